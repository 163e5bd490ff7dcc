import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeProtobufRequest, genAiTraceRequest } from '../bench/genai-spans.js';
import { captureLogger, postTraces, PROTO_HEADERS, tempDir } from '../test/helpers.js';
import { startCollectorProcess, type CollectorProcess } from './collector-process.js';
import { CollectorConfigSchema, StoreConfigSchema } from './config.js';
import { systemClock } from './logger.js';
import { openSpool } from './spool/spool.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

let root: { dir: string; cleanup: () => Promise<void> };
let proc: CollectorProcess;
let storeUrl: string;
const logger = captureLogger();

beforeAll(async () => {
  root = await tempDir('server-mode');
  storeUrl = `http://127.0.0.1:${await closedPort()}`;
  proc = await startCollectorProcess({
    collector: CollectorConfigSchema.parse({ spool: { dir: join(root.dir, 'spool') }, batch: { flushMs: 20, retryMinMs: 20, retryMaxMs: 100 } }),
    store: StoreConfigSchema.parse({ mode: 'server', url: storeUrl, requestTimeoutMs: 2000 }),
    dataDir: root.dir,
    env: {},
    logger,
    port: 0,
    host: '127.0.0.1',
  });
});
afterAll(async () => {
  await proc.close();
  await root.cleanup();
});

describe('server mode with an unreachable ClickHouse', () => {
  it('starts anyway and says why the store is not there', () => {
    const line = logger.lines.find((l) => l.level === 'error' && l.msg.includes('not reachable at start'));
    expect(line?.obj).toMatchObject({ store: storeUrl });
    expect(JSON.stringify(line?.obj)).toContain('ECONNREFUSED');
  });

  it('acknowledges spans into the spool and reports the failure clearly', async () => {
    const req = genAiTraceRequest(7);
    expect((await postTraces(proc.url, encodeProtobufRequest(req), PROTO_HEADERS)).status).toBe(200);
    const flushed = await proc.collector.flush().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(flushed).toMatchObject({ code: 'COL_STORE_UNAVAILABLE' });
    expect(String((flushed as Error).message)).toContain(storeUrl);
    expect(String((flushed as Error).message)).toContain('ECONNREFUSED');
    const s = proc.collector.stats();
    expect(s.spool.rows).toBe(7);
    expect(s.writer.store).toMatchObject({ healthy: false });
    expect(s.writer.store.lastError).toContain('ECONNREFUSED');
    const report = logger.lines.find((l) => l.level === 'error' && l.msg.startsWith(`store ${storeUrl} unavailable`));
    expect(report?.msg).toContain('spans stay in the spool');
    expect(report?.obj).toMatchObject({ store: storeUrl, spooledSpans: 7 });
  });

  it('keeps the spooled spans across a restart', async () => {
    await proc.close();
    const spool = await openSpool({ dir: join(root.dir, 'spool'), maxBytes: 1 << 30, logger: captureLogger(), clock: systemClock });
    expect(spool.pending().reduce((n, r) => n + r.rows, 0)).toBe(7);
    await spool.close();
  });
});
