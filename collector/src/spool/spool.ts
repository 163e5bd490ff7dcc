import { randomBytes } from 'node:crypto';
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { CollectorError } from '../errors.js';
import type { Clock, Logger } from '../logger.js';
import { readIfExists, syncDir, writeFileDurably } from './durable-file.js';
import { writeAll } from '../write-all.js';
import { encodeRecordHeader, RECORD_HEADER_BYTES } from './spool-record.js';
import { recoverSegments, segmentName, type Segment, type SpoolRecord } from './spool-recover.js';

export type { SpoolRecord } from './spool-recover.js';

export interface SpoolOptions {
  dir: string;
  /** Disk bytes past which `append` refuses with `COL_SPOOL_FULL`. */
  maxBytes: number;
  logger: Logger;
  clock: Clock;
  /** Payload bytes kept in memory for the writer (the rest is read back from disk). 64 MiB. */
  memoryBytes?: number;
}

/**
 * A group of records sent to the store as one insert (its dedup token is derived from
 * `from` and `to`). Until committed, it is redone exactly, so a resend is deduplicated.
 */
export interface PendingGroup {
  from: number;
  to: number;
  /** Its insert landed, but an earlier group is not stored yet: commit it when that one is, without a resend. */
  stored?: true;
}

/** Where replay stands, persisted in `cursor.json`. */
export interface SpoolCursor {
  /** Every record with seq ≤ committed is in the store. */
  committed: number;
  /** The groups being inserted (several when inserts overlap), in seq order. */
  pending: readonly PendingGroup[];
}

export interface SpoolStats {
  bytes: number;
  records: number;
  rows: number;
  lostBytes: number;
}

interface QueuedAppend {
  payload: Buffer;
  rows: number;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

/**
 * The write-ahead spool. Every batch the receiver acknowledges is appended here and
 * fsynced first (concurrent appends share one write + fsync: group commit); the batch
 * writer then inserts records in seq order and commits the cursor. After a crash the
 * cursor and the segments say exactly what is still to be stored.
 */
export interface Spool {
  /** Random per-spool id, part of every dedup token (two spools never collide). */
  readonly id: string;
  readonly cursor: Readonly<SpoolCursor>;
  append(payload: Buffer, rows: number): Promise<number>;
  /** Records not yet committed, in seq order. */
  pending(): readonly SpoolRecord[];
  read(rec: SpoolRecord): Promise<Buffer>;
  /**
   * Records a group about to be inserted. It replaces pending groups it overlaps: that only
   * happens when a group the store refused as invalid data (so stored nothing) is retried
   * record by record.
   */
  markPending(from: number, to: number): Promise<void>;
  /** Records that the pending group `from`…`to` is in the store, ahead of an earlier one. */
  markStored(from: number, to: number): Promise<void>;
  /** Everything up to `to` is stored: advance the cursor, forget those records and groups. */
  commit(to: number): Promise<void>;
  stats(): SpoolStats;
  onAppend(listener: () => void): void;
  close(): Promise<void>;
}

const SEGMENT_MAX_BYTES = 64 * 1024 * 1024;

export async function openSpool(opts: SpoolOptions): Promise<Spool> {
  const { dir, logger, clock } = opts;
  const memoryBytes = opts.memoryBytes ?? 64 * 1024 * 1024;
  const segmentMax = Math.max(1024 * 1024, Math.min(SEGMENT_MAX_BYTES, Math.floor(opts.maxBytes / 8)));
  await mkdir(dir, { recursive: true, mode: 0o700 });

  let id = (await readIfExists(join(dir, 'spool.id')))?.trim();
  if (id === undefined || !/^[0-9a-f]{16}$/.test(id)) {
    id = randomBytes(8).toString('hex');
    await writeFileDurably(join(dir, 'spool.id'), `${id}\n`);
  }
  const cursor = parseCursor(await readIfExists(join(dir, 'cursor.json')), dir);
  const recovered = await recoverSegments(dir, cursor.committed, memoryBytes, logger);
  const segments: Segment[] = recovered.segments;
  let records: SpoolRecord[] = recovered.records;
  let nextSeq = recovered.lastSeq + 1;
  let diskBytes = segments.reduce((n, s) => n + s.sizeBytes, 0);
  let inMemory = records.reduce((n, r) => n + (r.payload?.length ?? 0), 0);
  let queuedBytes = 0;
  let active: { segment: Segment; fh: FileHandle } | undefined;
  const queue: QueuedAppend[] = [];
  let draining: Promise<void> | undefined;
  let closed = false;
  const listeners: (() => void)[] = [];
  if (records.length > 0) {
    logger.info({ records: records.length, spans: records.reduce((n, r) => n + r.rows, 0), bytes: diskBytes }, 'spool: replaying batches left from a previous run');
  }

  // Segment files are touched by appends and by commits; one at a time.
  let lock: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn, fn);
    lock = run.catch(() => undefined);
    return run;
  };

  // The cursor is replaced through one temp file: one write at a time, each of the state
  // current when it starts (so a save queued behind another still carries its change).
  let cursorLock: Promise<unknown> = Promise.resolve();
  const saveCursor = (): Promise<void> => {
    const run = cursorLock.then(() => writeFileDurably(join(dir, 'cursor.json'), JSON.stringify(cursor)));
    cursorLock = run.catch(() => undefined);
    return run;
  };

  async function activeSegment(firstSeq: number): Promise<{ segment: Segment; fh: FileHandle }> {
    if (active !== undefined && active.segment.sizeBytes < segmentMax) return active;
    if (active !== undefined) await active.fh.close();
    const segment: Segment = { path: join(dir, segmentName(firstSeq)), sizeBytes: 0, lastSeq: 0 };
    const fh = await open(segment.path, 'a', 0o600);
    await syncDir(dir);
    segments.push(segment);
    active = { segment, fh };
    return active;
  }

  async function writeBatch(batch: QueuedAppend[]): Promise<void> {
    await exclusive(async () => {
      const { segment, fh } = await activeSegment(nextSeq);
      const buffers: Buffer[] = [];
      const fresh: SpoolRecord[] = [];
      let offset = segment.sizeBytes;
      let seq = nextSeq;
      for (const q of batch) {
        buffers.push(encodeRecordHeader({ seq, rows: q.rows, payloadBytes: q.payload.length }, q.payload), q.payload);
        const keep = inMemory + q.payload.length <= memoryBytes;
        if (keep) inMemory += q.payload.length;
        fresh.push({ seq, rows: q.rows, payloadBytes: q.payload.length, segment, payloadOffset: offset + RECORD_HEADER_BYTES, payload: keep ? q.payload : undefined, appendedAtMs: clock.now() });
        offset += RECORD_HEADER_BYTES + q.payload.length;
        seq += 1;
      }
      try {
        await writeAll(fh, buffers);
        await fh.datasync();
      } catch (err) {
        for (const r of fresh) inMemory -= r.payload?.length ?? 0;
        // Drop whatever part of the batch reached the file: it was never acknowledged.
        await fh.truncate(segment.sizeBytes).catch(() => undefined);
        throw err;
      }
      diskBytes += offset - segment.sizeBytes;
      segment.sizeBytes = offset;
      segment.lastSeq = seq - 1;
      nextSeq = seq;
      records.push(...fresh);
      fresh.forEach((r, i) => batch[i]?.resolve(r.seq));
    });
  }

  async function drainQueue(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0);
      const bytes = batch.reduce((n, q) => n + RECORD_HEADER_BYTES + q.payload.length, 0);
      try {
        await writeBatch(batch);
        for (const l of listeners) l();
      } catch (err) {
        logger.error({ err: String(err), batches: batch.length }, 'spool: write failed; the batches were refused (503)');
        for (const q of batch) q.reject(new CollectorError('COL_SPOOL_IO', `spool write failed: ${(err as Error).message}`, { cause: err, retryAfterMs: 5000 }));
      } finally {
        queuedBytes -= bytes;
      }
    }
    draining = undefined;
  }

  return {
    id,
    cursor,
    append(payload, rows) {
      if (closed) return Promise.reject(new CollectorError('COL_SHUTTING_DOWN', 'the collector is shutting down', { retryAfterMs: 1000 }));
      const bytes = RECORD_HEADER_BYTES + payload.length;
      if (diskBytes + queuedBytes + bytes > opts.maxBytes) {
        return Promise.reject(
          new CollectorError('COL_SPOOL_FULL', `spool is full (${diskBytes} of ${opts.maxBytes} bytes waiting for the store)`, { retryAfterMs: 5000 }),
        );
      }
      queuedBytes += bytes;
      return new Promise<number>((resolve, reject) => {
        queue.push({ payload, rows, resolve, reject });
        draining ??= drainQueue();
      });
    },
    pending: () => records,
    async read(rec) {
      if (rec.payload !== undefined) return rec.payload;
      const fh = await open(rec.segment.path, 'r');
      try {
        const buf = Buffer.alloc(rec.payloadBytes);
        const { bytesRead } = await fh.read(buf, 0, rec.payloadBytes, rec.payloadOffset);
        if (bytesRead !== rec.payloadBytes) throw new CollectorError('COL_SPOOL_IO', `spool record ${rec.seq} is shorter than recorded`);
        return buf;
      } finally {
        await fh.close();
      }
    },
    async markPending(from, to) {
      const kept = cursor.pending.filter((g) => g.to < from || g.from > to);
      cursor.pending = [...kept, { from, to }].sort((a, b) => a.from - b.from);
      await saveCursor();
    },
    async markStored(from, to) {
      cursor.pending = cursor.pending.map((g) => (g.from === from && g.to === to ? { from, to, stored: true } : g));
      await saveCursor();
    },
    commit(to) {
      return exclusive(async () => {
        cursor.committed = Math.max(cursor.committed, to);
        cursor.pending = cursor.pending.filter((g) => g.to > cursor.committed);
        await saveCursor();
        const keep: SpoolRecord[] = [];
        for (const r of records) {
          if (r.seq > to) keep.push(r);
          else inMemory -= r.payload?.length ?? 0;
        }
        records = keep;
        // Delete segments whose every record is stored (the open one too: appends reopen).
        // The accounting changes first, with the records: once `stats()` shows no rows, the
        // size cap no longer counts them (a failed unlink leaves a file the next start removes).
        const stored = segments.filter((seg) => seg.lastSeq <= to && seg.sizeBytes > 0);
        for (const seg of stored) {
          segments.splice(segments.indexOf(seg), 1);
          diskBytes -= seg.sizeBytes;
        }
        for (const seg of stored) {
          if (active?.segment === seg) {
            const fh = active.fh;
            active = undefined;
            await fh.close();
          }
          await unlink(seg.path);
        }
      });
    },
    stats: () => ({ bytes: diskBytes, records: records.length, rows: records.reduce((n, r) => n + r.rows, 0), lostBytes: recovered.lostBytes }),
    onAppend(listener) {
      listeners.push(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      await draining;
      await exclusive(async () => {
        await active?.fh.close();
        active = undefined;
      });
    },
  };
}

function parseCursor(text: string | undefined, dir: string): SpoolCursor {
  if (text === undefined) return { committed: 0, pending: [] };
  let v: { committed?: unknown; pending?: unknown };
  try {
    v = JSON.parse(text) as typeof v;
  } catch (err) {
    // It is replaced atomically, so this is outside damage: refuse to guess (guessing low
    // would store batches twice, guessing high would lose them).
    throw new CollectorError('COL_SPOOL_IO', `spool cursor ${dir}/cursor.json is unreadable; inspect it before restarting`, { cause: err });
  }
  const committed = typeof v.committed === 'number' ? v.committed : 0;
  // Earlier versions kept one group in flight, as an object (or null).
  const listed: unknown[] = Array.isArray(v.pending) ? v.pending : v.pending ? [v.pending] : [];
  const pending: PendingGroup[] = [];
  for (const p of listed as { from?: unknown; to?: unknown; stored?: unknown }[]) {
    if (typeof p?.from !== 'number' || typeof p.to !== 'number') continue;
    pending.push(p.stored === true ? { from: p.from, to: p.to, stored: true } : { from: p.from, to: p.to });
  }
  return { committed, pending: pending.sort((a, b) => a.from - b.from) };
}
