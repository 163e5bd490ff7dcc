import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashVirtualKey } from '../gateway/src/identity/index.js';
import { type RunningGateway, startGateway } from '../gateway/src/main.js';
import { type SimHandle, startSimServer } from '../scenarios/src/sim/index.js';

// Provider keys and virtual keys must never reach logs, spans, ClickHouse, the spool, error
// bodies or thrown errors. This test plants known secrets, drives every path that could
// leak them (success, upstream credential errors that echo the key, bad client keys,
// content capture on), then greps everything the gateway wrote.
const PROVIDER_KEY = 'sk-provider-SECRET-6b1f0c9a7e3d5b2f8c4a';
const VIRTUAL_KEY = 'sk-sluice-VIRTUAL-SECRET-2e9d7c5b3a1f0e8d';
const needles = [PROVIDER_KEY, VIRTUAL_KEY, PROVIDER_KEY.slice(0, 16), VIRTUAL_KEY.slice(0, 20)];

const dir = mkdtempSync(join(tmpdir(), 'sluice-secret-grep-'));
const logs: string[] = [];
const bodies: string[] = [];
let sim: SimHandle;
let echo: Server;
let gw: RunningGateway;

/** An upstream that refuses the key and echoes it back, as some providers do. */
async function startEchoingUpstream(): Promise<string> {
  echo = createServer((req, res) => {
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${String(req.headers.authorization).slice(7)}`, type: 'invalid_request_error' } }));
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(echo.address() as AddressInfo).port}/v1`;
}

beforeAll(async () => {
  sim = await startSimServer({ seed: 2 });
  const echoUrl = await startEchoingUpstream();
  const logger = pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }));
  gw = await startGateway({
    port: 0,
    host: '127.0.0.1',
    collectorPort: 0,
    env: { PROVIDER_KEY },
    logger,
    config: {
      server: { dataDir: dir },
      telemetry: { enabled: true, captureContent: true, batch: { scheduledDelayMs: 100 } },
      collector: { enabled: true, port: 0, spool: { dir: join(dir, 'spool') }, batch: { flushMs: 200 } },
      store: { path: join(dir, 'chdb') },
      auth: { teams: { t1: {} }, virtualKeys: [{ id: 'k1', hash: hashVirtualKey(VIRTUAL_KEY), agent: 'a1', team: 't1' }] },
      providers: [
        { name: 'sim', kind: 'openai', baseUrl: `${sim.url}/v1`, apiKey: { env: 'PROVIDER_KEY' } },
        { name: 'echo', kind: 'openai', baseUrl: echoUrl, apiKey: { env: 'PROVIDER_KEY' } },
      ],
      models: { 'sim-fast': { provider: 'sim' }, leaky: { provider: 'echo', model: 'x' } },
    },
  });
});
afterAll(async () => {
  await gw.close();
  await sim.close();
  await new Promise((r) => echo.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function client(apiKey: string) {
  return new OpenAI({
    baseURL: `${gw.url}/v1`,
    apiKey,
    maxRetries: 0,
    fetch: async (url, init) => {
      const res = await fetch(url, init);
      bodies.push(await res.clone().text());
      return res;
    },
  });
}

function filesUnder(path: string): string[] {
  return readdirSync(path).flatMap((name) => {
    const p = join(path, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('secrets stay secret', () => {
  it('no key appears in responses, errors, logs, spans, ClickHouse or the spool', async () => {
    const good = client(VIRTUAL_KEY);
    await good.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'hello' }] });
    const stream = await good.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'stream' }], stream: true });
    for await (const _ of stream) void _;
    const upstreamErr = await good.chat.completions.create({ model: 'leaky', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((upstreamErr as { status: number }).status).toBe(502);
    const wrongKey = await client(`${VIRTUAL_KEY}x`).chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(wrongKey).toBeInstanceOf(OpenAI.AuthenticationError);

    await gw.telemetry.forceFlush();
    await gw.collector!.collector.flush();
    const deadline = Date.now() + 10_000;
    let stored = 0;
    while (Date.now() < deadline) {
      stored = Number((await gw.store!.query<{ n: string }>('SELECT count() AS n FROM otel.otel_traces'))[0].n);
      if (stored >= 6) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(stored).toBeGreaterThanOrEqual(6);

    const everything = [
      ...bodies,
      JSON.stringify(upstreamErr),
      String((upstreamErr as Error).message),
      JSON.stringify(wrongKey),
      ...logs,
      JSON.stringify(await gw.store!.query('SELECT * FROM otel.otel_traces')),
      JSON.stringify(await gw.store!.query('SELECT * FROM otel.llm_calls')),
      ...filesUnder(join(dir, 'spool')).map((f) => readFileSync(f).toString('latin1')),
    ].join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    expect(everything).toContain("provider echo refused the gateway's credentials (401)");
    for (const n of needles) expect(everything).not.toContain(n);
  });
});
