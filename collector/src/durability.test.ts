import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeProtobufRequest, genAiTraceRequest, type OtlpJsonRequest } from '../bench/genai-spans.js';
import { captureLogger, postTraces, PROTO_HEADERS, tempDir, waitFor } from '../test/helpers.js';
import { createCollector } from './app.js';
import { CollectorConfigSchema, StoreConfigSchema, type CollectorConfigInput } from './config.js';
import { systemClock } from './logger.js';
import { encodeSpanRows } from './model/span-row.js';
import { openSpool } from './spool/spool.js';
import { migrate } from './store/migrations.js';
import { openStore } from './store/open-store.js';
import { rowsOf } from './store/store.contract.js';
import type { SpanStore } from './store/store.js';

let root: { dir: string; cleanup: () => Promise<void> };
let store: SpanStore;

beforeAll(async () => {
  root = await tempDir('durability');
  store = openStore(StoreConfigSchema.parse({ path: join(root.dir, 'chdb') }), { env: {} });
  await migrate(store);
});
afterAll(async () => {
  await store.close();
  await root.cleanup();
});

async function start(name: string, over: CollectorConfigInput = {}) {
  const logger = captureLogger();
  const config = CollectorConfigSchema.parse({
    ...over,
    spool: { dir: join(root.dir, `spool-${name}`), ...over.spool },
    batch: { flushMs: 50, retryMinMs: 20, retryMaxMs: 200, ...over.batch },
  });
  const collector = await createCollector({ config, store, logger });
  const { url } = await collector.listen(0, '127.0.0.1');
  return { collector, url, logger };
}

const spanIds = (req: OtlpJsonRequest): string[] => req.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.spanId)));

/** How many times each span id is in otel_traces, llm_calls and llm_usage_1m (by agent). */
async function counts(ids: string[], agent: string): Promise<{ traces: number; calls: number; usage: number; distinct: number }> {
  const [t] = await store.query<Record<string, number>>(
    'SELECT count() AS n, uniqExact(SpanId) AS d FROM otel.otel_traces WHERE SpanId IN {ids:Array(String)}',
    { ids },
  );
  const [c] = await store.query<Record<string, number>>('SELECT count() AS n FROM otel.llm_calls WHERE SpanId IN {ids:Array(String)}', { ids });
  const [u] = await store.query<Record<string, number>>('SELECT sum(calls) AS n FROM otel.llm_usage_1m WHERE agent = {agent:String}', { agent });
  return { traces: Number(t?.n), distinct: Number(t?.d), calls: Number(c?.n), usage: Number(u?.n) };
}

describe('nothing lost', () => {
  it('spools while the target table is detached and stores every span exactly once after it is back', async () => {
    const { collector, url, logger } = await start('detach');
    const reqs = [1, 2, 3].map((k) => genAiTraceRequest(5, { agent: 'detach-agent' }, k * 10));
    const ids = reqs.flatMap(spanIds);
    await store.command('DETACH TABLE otel.otel_traces');
    try {
      for (const r of reqs) expect((await postTraces(url, encodeProtobufRequest(r), PROTO_HEADERS)).status).toBe(200);
      await expect(collector.flush()).rejects.toMatchObject({ code: 'COL_STORE_UNAVAILABLE' });
      const s = collector.stats();
      expect(s.writer.store.healthy).toBe(false);
      expect(s.writer.store.lastError).toMatch(/UNKNOWN_TABLE|does not exist/);
      expect(s.spool.rows).toBe(15);
      expect(logger.lines.some((l) => l.level === 'error' && l.msg.includes('unavailable'))).toBe(true);
    } finally {
      await store.command('ATTACH TABLE otel.otel_traces');
    }
    await waitFor(async () => (collector.stats().spool.rows === 0 ? true : undefined));
    await collector.flush();
    expect(await counts(ids, 'detach-agent')).toEqual({ traces: 15, distinct: 15, calls: 15, usage: 15 });
    expect(collector.stats().writer.store.healthy).toBe(true);
    expect(logger.lines.some((l) => l.level === 'info' && l.msg.includes('is back'))).toBe(true);
    await collector.close();
  });

  it('replays a group that was inserted but not committed (crash in between) without duplicating it', async () => {
    const dir = join(root.dir, 'spool-crash');
    const req = genAiTraceRequest(4, { agent: 'crash-agent' });
    const body = Buffer.from(encodeSpanRows(rowsOf(req)));
    // What the writer does, stopped right after the insert: append, mark pending, insert.
    const spool = await openSpool({ dir, maxBytes: 1 << 20, logger: captureLogger(), clock: systemClock });
    const seq = await spool.append(body, 4);
    await spool.markPending(seq, seq);
    await store.insertJsonEachRow('otel_traces', body, { dedupToken: `${spool.id}-${seq}-${seq}` });
    await spool.close(); // no commit: the process "died"
    const { collector } = await start('crash');
    await collector.flush();
    expect(collector.stats().writer.insertedSpans).toBe(4);
    expect(await counts(spanIds(req), 'crash-agent')).toEqual({ traces: 4, distinct: 4, calls: 4, usage: 4 });
    await collector.close();
  });

  it('redoes two groups that were in flight after a crash between their commits, each stored once', async () => {
    const dir = join(root.dir, 'spool-crash-two');
    const reqs = [genAiTraceRequest(3, { agent: 'crash-two-agent' }), genAiTraceRequest(2, { agent: 'crash-two-agent' }, 10), genAiTraceRequest(4, { agent: 'crash-two-agent' }, 20)];
    const bodies = reqs.map((r) => Buffer.from(encodeSpanRows(rowsOf(r))));
    // What the writer does with two groups in flight ([1, 2] and [3]), stopped after both
    // landed and only the first was committed.
    const spool = await openSpool({ dir, maxBytes: 1 << 20, logger: captureLogger(), clock: systemClock });
    const s1 = await spool.append(bodies[0] as Buffer, 3);
    const s2 = await spool.append(bodies[1] as Buffer, 2);
    const s3 = await spool.append(bodies[2] as Buffer, 4);
    await spool.markPending(s1, s2);
    await spool.markPending(s3, s3);
    await Promise.all([
      store.insertJsonEachRow('otel_traces', Buffer.concat([bodies[0] as Buffer, bodies[1] as Buffer]), { dedupToken: `${spool.id}-${s1}-${s2}`, parallel: true }),
      store.insertJsonEachRow('otel_traces', bodies[2] as Buffer, { dedupToken: `${spool.id}-${s3}-${s3}`, parallel: true }),
    ]);
    await spool.commit(s2);
    // Acknowledged meanwhile, never sent: regrouped freshly, it would join [3] under a new
    // token. The cursor must redo [3] as it was.
    const late = genAiTraceRequest(1, { agent: 'crash-two-agent' }, 30);
    await spool.append(Buffer.from(encodeSpanRows(rowsOf(late))), 1);
    await spool.close(); // the second commit never happened
    const { collector } = await start('crash-two');
    await collector.flush();
    expect(collector.stats().writer.insertedSpans).toBe(5);
    expect(await counts([...reqs, late].flatMap(spanIds), 'crash-two-agent')).toEqual({ traces: 10, distinct: 10, calls: 10, usage: 10 });
    await collector.close();
  });

  it('after a crash with the later of two groups landed first, stores both once', async () => {
    const dir = join(root.dir, 'spool-crash-later');
    const reqs = [genAiTraceRequest(3, { agent: 'crash-later-agent' }), genAiTraceRequest(2, { agent: 'crash-later-agent' }, 10)];
    const bodies = reqs.map((r) => Buffer.from(encodeSpanRows(rowsOf(r))));
    const spool = await openSpool({ dir, maxBytes: 1 << 20, logger: captureLogger(), clock: systemClock });
    const s1 = await spool.append(bodies[0] as Buffer, 3);
    const s2 = await spool.append(bodies[1] as Buffer, 2);
    await spool.markPending(s1, s1);
    await spool.markPending(s2, s2);
    // Only the later group landed; the earlier one was still being inserted.
    await store.insertJsonEachRow('otel_traces', bodies[1] as Buffer, { dedupToken: `${spool.id}-${s2}-${s2}` });
    await spool.close();
    const { collector } = await start('crash-later');
    await collector.flush();
    expect(collector.stats().writer.insertedSpans).toBe(5);
    expect(await counts(reqs.flatMap(spanIds), 'crash-later-agent')).toEqual({ traces: 5, distinct: 5, calls: 5, usage: 5 });
    await collector.close();
  });

  it('answers 503 with Retry-After once the spool is full, and recovers when the store drains it', async () => {
    const { collector, url } = await start('cap', { spool: { maxBytes: 40_000 } });
    const accepted: OtlpJsonRequest[] = [];
    let refused: { status: number; retryAfter: string | null } | undefined;
    await store.command('DETACH TABLE otel.otel_traces');
    try {
      for (let k = 0; k < 40 && refused === undefined; k += 1) {
        const req = genAiTraceRequest(5, { agent: 'cap-agent' }, k * 10);
        const r = await postTraces(url, encodeProtobufRequest(req), PROTO_HEADERS);
        if (r.status === 200) accepted.push(req);
        else refused = { status: r.status, retryAfter: r.headers.get('retry-after') };
      }
    } finally {
      await store.command('ATTACH TABLE otel.otel_traces');
    }
    expect(refused).toEqual({ status: 503, retryAfter: '5' });
    expect(accepted.length).toBeGreaterThan(0);
    await waitFor(async () => (collector.stats().spool.rows === 0 ? true : undefined));
    const late = genAiTraceRequest(5, { agent: 'cap-agent' }, 999);
    expect((await postTraces(url, encodeProtobufRequest(late), PROTO_HEADERS)).status).toBe(200);
    await collector.flush();
    const ids = [...accepted, late].flatMap(spanIds);
    expect(await counts(ids, 'cap-agent')).toEqual({ traces: ids.length, distinct: ids.length, calls: ids.length, usage: ids.length });
    expect(collector.stats().refused['503']).toBe(1);
    await collector.close();
  });

  it('dead-letters a batch the store refuses as invalid data, counts it, and stores its neighbours', async () => {
    const dir = join(root.dir, 'spool-poison');
    const good1 = genAiTraceRequest(2, { agent: 'poison-agent' });
    const good2 = genAiTraceRequest(2, { agent: 'poison-agent' }, 50);
    const spool = await openSpool({ dir, maxBytes: 1 << 20, logger: captureLogger(), clock: systemClock });
    await spool.append(Buffer.from(encodeSpanRows(rowsOf(good1))), 2);
    await spool.append(Buffer.from('{"Timestamp": "not a time", "TraceId": [1,2]}\n'), 1);
    await spool.append(Buffer.from(encodeSpanRows(rowsOf(good2))), 2);
    await spool.close();
    const { collector, logger } = await start('poison');
    await collector.flush();
    expect(collector.stats().writer).toMatchObject({ insertedSpans: 4, droppedSpans: 1 });
    expect(await counts([...spanIds(good1), ...spanIds(good2)], 'poison-agent')).toEqual({ traces: 4, distinct: 4, calls: 4, usage: 4 });
    const rejected = await readdir(join(dir, 'rejected'));
    expect(rejected).toHaveLength(1);
    expect(await readFile(join(dir, 'rejected', rejected[0] as string), 'utf8')).toContain('not a time');
    expect(logger.lines.some((l) => l.level === 'error' && l.msg.includes('invalid data'))).toBe(true);
    await collector.close();
  });

  it('a data error in one of two groups in flight: the other is stored once, the bad record dead-lettered', async () => {
    const dir = join(root.dir, 'spool-poison-two');
    const good1 = genAiTraceRequest(2, { agent: 'poison-two-agent' });
    const good2 = genAiTraceRequest(3, { agent: 'poison-two-agent' }, 50);
    const good3 = genAiTraceRequest(3, { agent: 'poison-two-agent' }, 90);
    const spool = await openSpool({ dir, maxBytes: 1 << 20, logger: captureLogger(), clock: systemClock });
    await spool.append(Buffer.from(encodeSpanRows(rowsOf(good1))), 2);
    await spool.append(Buffer.from('{"Timestamp": "not a time", "TraceId": [1,2]}\n'), 1);
    await spool.append(Buffer.from(encodeSpanRows(rowsOf(good2))), 3);
    await spool.append(Buffer.from(encodeSpanRows(rowsOf(good3))), 3);
    await spool.close();
    // Groups of 3 spans: [good1, bad] is refused while [good2] is in flight beside it, then
    // [good3] follows.
    const { collector } = await start('poison-two', { batch: { maxRows: 3 } });
    await collector.flush();
    expect(collector.stats().writer).toMatchObject({ insertedSpans: 8, droppedSpans: 1 });
    expect(await counts([good1, good2, good3].flatMap(spanIds), 'poison-two-agent')).toEqual({ traces: 8, distinct: 8, calls: 8, usage: 8 });
    const rejected = await readdir(join(dir, 'rejected'));
    expect(rejected).toHaveLength(1);
    expect(await readFile(join(dir, 'rejected', rejected[0] as string), 'utf8')).toContain('not a time');
    await collector.close();
  });
});
