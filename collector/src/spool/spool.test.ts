import { spawnSync } from 'node:child_process';
import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger, tempDir } from '../../test/helpers.js';
import { systemClock } from '../logger.js';
import { openSpool, type Spool, type SpoolRecord } from './spool.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const LIMIT_CHILD = fileURLToPath(new URL('../../test/fixtures/spool-size-limit-child.ts', import.meta.url));

let root: { dir: string; cleanup: () => Promise<void> };
let open: Spool[] = [];
beforeEach(async () => {
  root = await tempDir('spool');
  open = [];
});
afterEach(async () => {
  for (const s of open) await s.close();
  await root.cleanup();
});

const logger = captureLogger();
async function spool(maxBytes = 64 * 1024 * 1024): Promise<Spool> {
  const s = await openSpool({ dir: join(root.dir, 'spool'), maxBytes, logger, clock: systemClock });
  open.push(s);
  return s;
}
const payload = (text: string): Buffer => Buffer.from(`${text}\n`);
const segments = async (): Promise<string[]> => (await readdir(join(root.dir, 'spool'))).filter((n) => n.startsWith('seg-')).sort();

describe('spool', () => {
  it('keeps appended batches in order across a reopen, with the same id', async () => {
    const a = await spool();
    expect(await a.append(payload('one'), 1)).toBe(1);
    expect(await a.append(payload('two'), 2)).toBe(2);
    const id = a.id;
    await a.close();
    const b = await spool();
    expect(b.id).toBe(id);
    const recs = b.pending();
    expect(recs.map((r) => [r.seq, r.rows])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect((await b.read(recs[1] as (typeof recs)[number])).toString()).toBe('two\n');
    expect(await b.append(payload('three'), 1)).toBe(3);
  });

  it('group-commits concurrent appends in call order', async () => {
    const s = await spool();
    const seqs = await Promise.all(Array.from({ length: 50 }, (_, i) => s.append(payload(`p${i}`), 1)));
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const texts = await Promise.all(s.pending().map((r) => s.read(r)));
    expect(texts.map((t) => t.toString().trim())).toEqual(Array.from({ length: 50 }, (_, i) => `p${i}`));
    expect(await segments()).toHaveLength(1);
  });

  it('cuts a torn record at the end of the last segment', async () => {
    const a = await spool();
    await a.append(payload('kept'), 1);
    await a.close();
    const [seg] = await segments();
    await appendFile(join(root.dir, 'spool', seg as string), Buffer.from([0x53, 0x4c, 0x53, 0x31, 1, 2, 3]));
    const b = await spool();
    expect(b.pending().map((r) => r.seq)).toEqual([1]);
    expect((await stat(join(root.dir, 'spool', seg as string))).size).toBe(b.stats().bytes);
    expect(logger.text()).toContain('cut an incomplete record');
    expect(await b.append(payload('next'), 1)).toBe(2);
  });

  it('skips a damaged record in an older segment, keeps the rest and reports the loss', async () => {
    const big = (c: string): Buffer => Buffer.from(`${c.repeat(700 * 1024)}\n`);
    const a = await spool(8 * 1024 * 1024); // segments rotate at 1 MiB here
    await a.append(big('a'), 1);
    await a.append(big('b'), 1);
    await a.append(big('c'), 1);
    await a.close();
    const segs = await segments();
    expect(segs).toHaveLength(2);
    const first = join(root.dir, 'spool', segs[0] as string);
    const bytes = await readFile(first);
    bytes[bytes.length - 10] = 0x7a; // inside record 2's payload
    await writeFile(first, bytes);
    const b = await spool(8 * 1024 * 1024);
    expect(b.pending().map((r) => r.seq)).toEqual([1, 3]);
    expect(b.stats().lostBytes).toBeGreaterThan(700 * 1024);
    expect(logger.lines.some((l) => l.level === 'error' && l.msg.includes('segment damaged'))).toBe(true);
  });

  it('forgets committed records, deletes stored segments and keeps seqs increasing', async () => {
    const a = await spool();
    await a.append(payload('1'), 1);
    await a.append(payload('2'), 1);
    await a.markPending(1, 2);
    await a.commit(2);
    expect(a.pending()).toEqual([]);
    expect(await segments()).toEqual([]);
    expect(a.stats()).toMatchObject({ bytes: 0, records: 0, rows: 0 });
    await a.close();
    const b = await spool();
    expect(b.pending()).toEqual([]);
    expect(b.cursor).toEqual({ committed: 2, pending: [] });
    expect(await b.append(payload('3'), 1)).toBe(3);
  });

  it('remembers the group in flight across a restart', async () => {
    const a = await spool();
    await a.append(payload('1'), 1);
    await a.append(payload('2'), 1);
    await a.markPending(1, 2);
    await a.close();
    const b = await spool();
    expect(b.cursor.pending).toEqual([{ from: 1, to: 2 }]);
    expect(b.pending().map((r) => r.seq)).toEqual([1, 2]);
  });

  it('remembers every group in flight, and which of them landed, across a restart; a commit forgets the groups it covers', async () => {
    const a = await spool();
    for (const t of ['1', '2', '3', '4']) await a.append(payload(t), 1);
    await Promise.all([a.markPending(1, 2), a.markPending(3, 4)]);
    await a.markStored(3, 4);
    await a.close();
    const b = await spool();
    expect(b.cursor.pending).toEqual([
      { from: 1, to: 2 },
      { from: 3, to: 4, stored: true },
    ]);
    await b.commit(2);
    expect(b.cursor).toEqual({ committed: 2, pending: [{ from: 3, to: 4, stored: true }] });
    await b.commit(4);
    expect(b.cursor).toEqual({ committed: 4, pending: [] });
  });

  it('a group retried record by record replaces the refused group it overlaps, and no other', async () => {
    const a = await spool();
    for (const t of ['1', '2', '3']) await a.append(payload(t), 1);
    await a.markPending(1, 2);
    await a.markPending(3, 3);
    await a.markPending(1, 1);
    expect(a.cursor.pending).toEqual([
      { from: 1, to: 1 },
      { from: 3, to: 3 },
    ]);
  });

  it('reads the cursor an earlier version wrote, with one group in flight', async () => {
    const a = await spool();
    await a.append(payload('1'), 1);
    await a.append(payload('2'), 1);
    await a.close();
    await writeFile(join(root.dir, 'spool', 'cursor.json'), JSON.stringify({ committed: 0, pending: { from: 1, to: 2 } }));
    const b = await spool();
    expect(b.cursor).toEqual({ committed: 0, pending: [{ from: 1, to: 2 }] });
    await b.close();
    await writeFile(join(root.dir, 'spool', 'cursor.json'), JSON.stringify({ committed: 1 }));
    expect((await spool()).cursor).toEqual({ committed: 1, pending: [] });
  });

  it('refuses appends past its size cap with COL_SPOOL_FULL and a retry hint', async () => {
    const s = await spool(200);
    await s.append(Buffer.alloc(100, 0x61), 1);
    await expect(s.append(Buffer.alloc(100, 0x62), 1)).rejects.toMatchObject({ code: 'COL_SPOOL_FULL', status: 503, retryAfterMs: 5000 });
    await s.commit(1);
    expect(await s.append(Buffer.alloc(100, 0x63), 1)).toBe(2);
  });

  it('refuses appends once closed', async () => {
    const s = await spool();
    await s.close();
    await expect(s.append(payload('late'), 1)).rejects.toMatchObject({ code: 'COL_SHUTTING_DOWN' });
  });
});

describe('spool on a disk that fills part-way through a write', () => {
  it('refuses the batch that did not fit whole, and keeps the batches before it readable', async () => {
    // A child process under a 64 KiB file-size limit stands in for a full disk: the kernel
    // writes what fits, then fails, and libuv reports the short count, not the error.
    const dir = join(root.dir, 'spool');
    const child = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 64; exec "${process.execPath}" --import tsx "${LIMIT_CHILD}" "${dir}" ${200 * 1024}`], { cwd: REPO, encoding: 'utf8', timeout: 30_000 });
    expect(child.status, child.stderr).toBe(0);
    const answers = JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as { small: { seq?: number }; big: { seq?: number; code?: string } };
    expect(answers.small).toEqual({ seq: 1 });
    expect(answers.big).toEqual({ code: 'COL_SPOOL_IO' });
    // Without the limit: only the acknowledged batch is there, and the next one lands after it.
    const s = await spool();
    expect(s.pending().map((r) => [r.seq, r.rows])).toEqual([[1, 1]]);
    expect(await s.append(payload('after'), 2)).toBe(2);
    const recs = s.pending();
    expect((await s.read(recs[0] as SpoolRecord)).toString()).toBe('small batch\n');
    expect((await s.read(recs[1] as SpoolRecord)).toString()).toBe('after\n');
  });
});
