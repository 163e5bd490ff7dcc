import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genAiTraceRequest } from '../bench/genai-spans.js';
import { captureLogger, tempDir, waitFor } from '../test/helpers.js';
import { createBatchWriter, type BatchWriterOptions } from './batch-writer.js';
import { StoreConfigSchema } from './config.js';
import { systemClock } from './logger.js';
import { encodeSpanRows } from './model/span-row.js';
import { encodeSpanRowsNative } from './model/span-block-native.js';
import { encodeSpanRowsTsv } from './model/span-row-tsv.js';
import { openSpool, type Spool } from './spool/spool.js';
import { migrate } from './store/migrations.js';
import { openStore } from './store/open-store.js';
import { rowsOf } from './store/store.contract.js';
import type { SpanStore } from './store/store.js';

let root: { dir: string; cleanup: () => Promise<void> };
let store: SpanStore;
beforeAll(async () => {
  root = await tempDir('batch-writer');
  store = openStore(StoreConfigSchema.parse({ path: join(root.dir, 'chdb') }), { env: {} });
  await migrate(store);
});
afterAll(async () => {
  await store.close();
  await root.cleanup();
});

async function setup(name: string, over: Partial<BatchWriterOptions> = {}) {
  const spool = await openSpool({ dir: join(root.dir, name), maxBytes: 1 << 26, logger: captureLogger(), clock: systemClock });
  const writer = createBatchWriter({
    spool,
    store,
    logger: captureLogger(),
    clock: systemClock,
    maxRows: 1000,
    flushMs: 1000,
    retryMinMs: 10,
    retryMaxMs: 50,
    deadLetterDir: join(root.dir, name, 'rejected'),
    ...over,
  });
  return { spool, writer };
}

async function appendAgent(spool: Spool, agent: string, spans: number): Promise<void> {
  await spool.append(Buffer.from(encodeSpanRows(rowsOf(genAiTraceRequest(spans, { agent })))), spans);
}

const stored = async (agent: string): Promise<number> => {
  const [r] = await store.query<{ n: number }>("SELECT count() AS n FROM otel.otel_traces WHERE SpanAttributes['sluice.agent'] = {a:String}", { a: agent });
  return Number(r?.n);
};

describe('batch writer', () => {
  it('inserts as soon as maxRows spans wait, without waiting for the timer', async () => {
    const { spool, writer } = await setup('by-size', { maxRows: 10, flushMs: 600_000 });
    await appendAgent(spool, 'size-agent', 4);
    await appendAgent(spool, 'size-agent', 6);
    await waitFor(async () => (writer.stats().insertedSpans === 10 ? true : undefined), 10_000);
    expect(writer.stats().inserts).toBe(1);
    expect(await stored('size-agent')).toBe(10);
    await writer.close();
    await spool.close();
  });

  it('inserts a small batch once the oldest span is flushMs old, in one insert', async () => {
    const { spool, writer } = await setup('by-time', { flushMs: 300 });
    await appendAgent(spool, 'time-agent', 2);
    await appendAgent(spool, 'time-agent', 3);
    expect(await stored('time-agent')).toBe(0); // 300 ms have not passed yet
    await waitFor(async () => (writer.stats().insertedSpans === 5 ? true : undefined), 10_000);
    expect(writer.stats()).toMatchObject({ inserts: 1, insertedSpans: 5, failedInserts: 0, droppedSpans: 0 });
    expect(await stored('time-agent')).toBe(5);
    await writer.close();
    await spool.close();
  });

  it('forceFlush stores everything now; close is idempotent and keeps what it could not store', async () => {
    const { spool, writer } = await setup('flush', { flushMs: 600_000 });
    await appendAgent(spool, 'flush-agent', 3);
    await writer.forceFlush();
    expect(await stored('flush-agent')).toBe(3);
    await store.command('DETACH TABLE otel.otel_traces');
    try {
      await appendAgent(spool, 'flush-agent', 2);
      await expect(writer.forceFlush()).rejects.toMatchObject({ code: 'COL_STORE_UNAVAILABLE' });
      await Promise.all([writer.close(200), writer.close(200)]);
    } finally {
      await store.command('ATTACH TABLE otel.otel_traces');
    }
    expect(spool.stats().rows).toBe(2); // still spooled for the next start
    await spool.close();
    const again = await setup('flush', { flushMs: 10 });
    await again.writer.forceFlush();
    expect(await stored('flush-agent')).toBe(5);
    await again.writer.close();
    await again.spool.close();
  });

  it('replays a spool written by earlier versions: each format in its own inserts, in order', async () => {
    const { spool, writer } = await setup('formats', { maxRows: 100, flushMs: 600_000 });
    const rows = (spans: number, offset: number) => rowsOf(genAiTraceRequest(spans, { agent: 'format-agent' }, offset));
    await spool.append(Buffer.from(encodeSpanRows(rows(2, 0))), 2); // JSONEachRow, two versions back
    await spool.append(Buffer.from(encodeSpanRows(rows(3, 10))), 3);
    await spool.append(Buffer.from(encodeSpanRowsTsv(rows(4, 20))), 4); // TabSeparated, the previous version
    await spool.append(Buffer.from(encodeSpanRowsTsv(rows(1, 30))), 1);
    await spool.append(encodeSpanRowsNative(rows(2, 40)), 2); // Native, this version
    await spool.append(encodeSpanRowsNative(rows(5, 50)), 5);
    await writer.forceFlush();
    expect(writer.stats()).toMatchObject({ inserts: 3, insertedSpans: 17, failedInserts: 0, droppedSpans: 0 });
    expect(await stored('format-agent')).toBe(17);
    expect(spool.cursor).toEqual({ committed: 6, pending: [] });
    await writer.close();
    await spool.close();
  });

  it('keeps two groups in flight; one that lands first is committed with the one before it, never ahead', async () => {
    const { spool, writer } = await setup('two-in-flight', { maxRows: 5000, flushMs: 600_000 });
    await appendAgent(spool, 'slow-agent', 5000); // a full group: its insert takes a while…
    await appendAgent(spool, 'quick-agent', 1); // …and the next one, sent beside it, lands first
    // Read on a session of its own, which does not wait for inserts in flight.
    const visible = async (agent: string): Promise<number> =>
      Number(JSON.parse(await store.queryReadonly(`SELECT count() AS n FROM otel.otel_traces WHERE SpanAttributes['sluice.agent'] = '${agent}'`, 'JSONEachRow')).n);
    let flushed = false;
    const flush = writer.forceFlush().finally(() => (flushed = true));
    const seen: { committed: number; slow: number; quick: number }[] = [];
    while (!flushed) {
      const committed = spool.cursor.committed;
      seen.push({ committed, slow: await visible('slow-agent'), quick: await visible('quick-agent') });
    }
    await flush;
    // The cursor never got ahead of the store…
    for (const s of seen) expect(s.committed === 0 || (s.slow === 5000 && s.quick === 1), JSON.stringify(s)).toBe(true);
    // …and the later group was stored while the earlier one was still being inserted.
    expect(seen.some((s) => s.quick === 1 && s.slow === 0 && s.committed === 0)).toBe(true);
    expect(spool.cursor).toEqual({ committed: 2, pending: [] });
    expect(writer.stats()).toMatchObject({ inserts: 2, insertedSpans: 5001, failedInserts: 0 });
    await writer.close();
    await spool.close();
  });

  it('retries every group that was in flight when the store failed, and stores each once', async () => {
    const { spool, writer } = await setup('two-failed', { maxRows: 2, flushMs: 600_000 });
    await store.command('DETACH TABLE otel.otel_traces');
    try {
      for (let k = 0; k < 3; k += 1) await appendAgent(spool, 'two-failed-agent', 2);
      await expect(writer.forceFlush()).rejects.toMatchObject({ code: 'COL_STORE_UNAVAILABLE' });
      expect(spool.cursor.committed).toBe(0);
    } finally {
      await store.command('ATTACH TABLE otel.otel_traces');
    }
    // (Not forceFlush: an insert sent while the table was still detached may report its
    // failure after the ATTACH, and a flush fails with it.)
    await waitFor(async () => (spool.cursor.committed === 3 ? true : undefined), 10_000);
    expect(await stored('two-failed-agent')).toBe(6);
    expect(spool.cursor).toEqual({ committed: 3, pending: [] });
    expect(writer.stats()).toMatchObject({ inserts: 3, insertedSpans: 6 });
    await writer.close();
    await spool.close();
  });

  it('runs the prepare step before the first insert and retries it until it succeeds', async () => {
    let calls = 0;
    const { spool, writer } = await setup('prepare', {
      flushMs: 10,
      prepare: async () => {
        calls += 1;
        if (calls < 3) throw new Error('schema not ready');
      },
    });
    await appendAgent(spool, 'prepare-agent', 1);
    await waitFor(async () => (writer.stats().insertedSpans === 1 ? true : undefined), 10_000);
    expect(await stored('prepare-agent')).toBe(1);
    expect(calls).toBe(3);
    expect(writer.stats().failedInserts).toBe(2);
    await writer.close();
    await spool.close();
  });
});
