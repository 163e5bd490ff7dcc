import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeProtobufRequest, genAiTraceRequest, type OtlpJsonRequest } from '../bench/genai-spans.js';
import { captureLogger, postTraces, PROTO_HEADERS, tempDir, waitFor } from '../test/helpers.js';
import { createCollector, type Collector } from './app.js';
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
});
