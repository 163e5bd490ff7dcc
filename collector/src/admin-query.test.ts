import { chmod, readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeProtobufRequest, genAiTraceRequest } from '../bench/genai-spans.js';
import { captureLogger, postTraces, PROTO_HEADERS, tempDir } from '../test/helpers.js';
import { createAdminQueryHandler, isLoopback } from './admin-query.js';
import { ensureAdminToken, readAdminEndpoint, writeAdminEndpoint } from './admin-token.js';
import { createCollector, type Collector } from './app.js';
import { CollectorConfigSchema, StoreConfigSchema, type StoreConfig } from './config.js';
import { systemClock } from './logger.js';
import { openStore } from './store/open-store.js';
import type { SpanStore } from './store/store.js';
import { runQuery } from './run-query.js';

let root: { dir: string; cleanup: () => Promise<void> };
let storeConfig: StoreConfig;
let store: SpanStore;
let collector: Collector;
let url: string;
let token: string;
const logger = captureLogger();

beforeAll(async () => {
  root = await tempDir('admin');
  storeConfig = StoreConfigSchema.parse({ path: join(root.dir, 'chdb') });
  store = openStore(storeConfig, { env: {} });
  collector = await createCollector({
    config: CollectorConfigSchema.parse({ spool: { dir: join(root.dir, 'spool') }, batch: { flushMs: 20 } }),
    store,
    logger,
    dataDir: root.dir,
  });
  ({ url } = await collector.listen(0, '127.0.0.1'));
  token = (await readFile(join(root.dir, 'admin.token'), 'utf8')).trim();
  expect((await postTraces(url, encodeProtobufRequest(genAiTraceRequest(3, { agent: 'admin-agent' })), PROTO_HEADERS)).status).toBe(200);
  await collector.flush();
});
afterAll(async () => {
  await collector.close();
  await store.close();
  await root.cleanup();
});

const ask = (body: unknown, auth?: string) =>
  fetch(`${url}/admin/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth === undefined ? {} : { authorization: auth }) },
    body: JSON.stringify(body),
  });

describe('admin token and discovery file', () => {
  it('creates a 64-hex token readable by the owner only, and advertises the server', async () => {
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(join(root.dir, 'admin.token'))).mode & 0o777).toBe(0o600);
    expect(await readAdminEndpoint(root.dir)).toEqual({ url, pid: process.pid });
  });

  it('keeps the token across starts and tightens loosened permissions', async () => {
    await chmod(join(root.dir, 'admin.token'), 0o644);
    expect(await ensureAdminToken(root.dir)).toBe(token);
    expect((await stat(join(root.dir, 'admin.token'))).mode & 0o777).toBe(0o600);
  });
});

describe('POST /admin/query', () => {
  it('requires the bearer token', async () => {
    const none = await ask({ sql: 'SELECT 1' });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'COL_ADMIN_UNAUTHORIZED' } });
    expect((await ask({ sql: 'SELECT 1' }, `Bearer ${'0'.repeat(64)}`)).status).toBe(401);
    expect((await ask({ sql: 'SELECT 1' }, token)).status).toBe(401); // not "Bearer"
  });

  it('answers in the requested ClickHouse format', async () => {
    const sql = "SELECT agent, count() AS calls FROM otel.llm_calls WHERE agent = 'admin-agent' GROUP BY agent";
    const json = await ask({ sql }, `Bearer ${token}`);
    expect(json.status).toBe(200);
    expect(await json.text()).toBe('{"agent":"admin-agent","calls":3}\n');
    expect(await (await ask({ sql, format: 'CSV' }, `Bearer ${token}`)).text()).toBe('"admin-agent",3\n');
    expect(await (await ask({ sql, format: 'PrettyCompactMonoBlock' }, `Bearer ${token}`)).text()).toContain('admin-agent');
  });

  it('is read-only: INSERT and DROP are refused and change nothing', async () => {
    const ins = await ask({ sql: "INSERT INTO otel.llm_calls (agent) VALUES ('intruder')" }, `Bearer ${token}`);
    expect(ins.status).toBe(400);
    const body = (await ins.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('COL_QUERY_FAILED');
    expect(body.error.message).toMatch(/readonly/i);
    expect((await ask({ sql: 'DROP TABLE otel.llm_calls' }, `Bearer ${token}`)).status).toBe(400);
    const n = await store.query<{ n: number }>("SELECT count() AS n FROM otel.llm_calls WHERE agent = 'intruder'");
    expect(Number(n[0]?.n)).toBe(0);
  });

  it('refuses bad bodies and methods', async () => {
    expect((await ask({ sql: 'SELECT 1', format: 'CSV; DROP' }, `Bearer ${token}`)).status).toBe(400);
    expect((await ask({ query: 'SELECT 1' }, `Bearer ${token}`)).status).toBe(400);
    expect((await fetch(`${url}/admin/query`)).status).toBe(405);
  });

  it('only answers loopback clients', async () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.0.0.2'].every(isLoopback)).toBe(true);
    expect(['10.0.0.5', '::ffff:192.168.1.2', '2001:db8::1', undefined].some(isLoopback)).toBe(false);
    const handler = createAdminQueryHandler({ store, token, logger, clock: systemClock });
    const req = Object.assign(new PassThrough(), {
      headers: { authorization: `Bearer ${token}` },
      socket: { remoteAddress: '10.0.0.5' },
      complete: true,
    }) as unknown as IncomingMessage;
    let status = 0;
    let body = '';
    const res = {
      headersSent: false,
      writeHead(s: number) {
        status = s;
        return res;
      },
      end(b: string) {
        body = b;
      },
    } as unknown as ServerResponse;
    await handler(req, res);
    expect(status).toBe(403);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'COL_ADMIN_FORBIDDEN' } });
  });
});

describe('runQuery (sluice query)', () => {
  it('goes through the running server it finds in the data dir', async () => {
    const r = await runQuery({ sql: "SELECT count() FROM otel.otel_traces WHERE SpanAttributes['sluice.agent'] = 'admin-agent'", format: 'CSV', config: storeConfig, dataDir: root.dir, env: {} });
    expect(r).toEqual({ output: '3\n', via: 'server' });
  });

  it('surfaces SQL errors from the server with their code', async () => {
    await expect(runQuery({ sql: 'SELECT nope FROM nowhere', config: storeConfig, dataDir: root.dir, env: {} })).rejects.toMatchObject({ code: 'COL_QUERY_FAILED' });
  });

  it('opens the store itself when no server answers (stale discovery file)', async () => {
    await collector.close();
    await store.close();
    await writeAdminEndpoint(root.dir, { url, pid: 1 }); // the closed server's address
    const r = await runQuery({ sql: "SELECT count() FROM otel.llm_calls WHERE agent = 'admin-agent'", format: 'TSV', config: storeConfig, dataDir: root.dir, env: {} });
    expect(r).toEqual({ output: '3\n', via: 'store' });
    await expect(runQuery({ sql: "INSERT INTO otel.llm_calls (agent) VALUES ('x')", config: storeConfig, dataDir: root.dir, env: {} })).rejects.toMatchObject({
      code: 'COL_QUERY_FAILED',
    });
    // afterAll closes again: both are idempotent.
  });
});
