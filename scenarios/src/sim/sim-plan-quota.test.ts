import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { SimError, startSimServer, type SimHandle, type SimOptions } from './index.js';
import { pendingTimerCount } from './stream-writer.js';

const opened: SimHandle[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((sim) => sim.close()));
});

async function start(opts: SimOptions = {}): Promise<{ sim: SimHandle; client: OpenAI }> {
  const sim = await startSimServer(opts);
  opened.push(sim);
  return { sim, client: new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'sk-secret-value', maxRetries: 0, logLevel: 'off' }) };
}

const body = { model: 'm', messages: [{ role: 'user' as const, content: 'Hello' }] };

async function statusOf(client: OpenAI, model = 'm'): Promise<number> {
  try {
    await client.chat.completions.create({ ...body, model });
    return 200;
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status !== undefined) return error.status;
    throw error;
  }
}

describe('options', () => {
  it('refuses bad options with every issue listed', async () => {
    const error = await startSimServer({ seed: 1.5, recordRequests: -1, bogus: true } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimError);
    expect((error as SimError).code).toBe('SIM_INVALID_OPTIONS');
    expect((error as SimError).issues.length).toBeGreaterThanOrEqual(3);
  });
});

describe('fault plans', () => {
  it('applies a schedule window [fromMs, toMs) counted from when the plan was installed', async () => {
    const { sim, client } = await start();
    const t0 = performance.now();
    sim.setFaultPlan([{ fromMs: 150, toMs: 450, fault: 'status=503' }]);
    const t1 = performance.now();
    const seen: Array<{ status: number; minElapsedMs: number; maxElapsedMs: number }> = [];
    for (let i = 0; i < 200 && performance.now() - t0 < 800; i++) {
      const sentAt = performance.now();
      const status = await statusOf(client);
      // The server's elapsed time lies within these bounds, whatever the scheduling delays.
      seen.push({ status, minElapsedMs: sentAt - t1, maxElapsedMs: performance.now() - t0 });
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const s of seen) {
      if (s.minElapsedMs >= 150 && s.maxElapsedMs < 450) expect(s).toMatchObject({ status: 503 });
      if (s.maxElapsedMs < 150 || s.minElapsedMs >= 450) expect(s).toMatchObject({ status: 200 });
    }
    expect(seen.some((s) => s.status === 503)).toBe(true);
    expect(seen[seen.length - 1]?.status).toBe(200);
    expect(sim.stats().byFault['status=503']).toBe(seen.filter((s) => s.status === 503).length);
  });

  it('applies the plan from options from server start, matching by model', async () => {
    const { client } = await start({ faults: [{ match: { model: 'flaky' }, fromMs: 0, toMs: 60_000, fault: { status: 500 } }] });
    expect(await statusOf(client, 'flaky')).toBe(500);
    expect(await statusOf(client, 'steady')).toBe(200);
  });

  it('fires partial-rate rules in a sequence that the seed replays', async () => {
    const run = async (): Promise<number[]> => {
      const { client } = await start({ seed: 99, faults: [{ rate: 0.5, fault: 'status=500' }] });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push(await statusOf(client));
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('is replaced over HTTP with PUT /_sim/faults and refuses an invalid plan', async () => {
    const { sim, client } = await start();
    const put = (plan: unknown) =>
      fetch(`${sim.url}/_sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plan) });
    const bad = await put([{ fault: 'explode' }]);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'SIM_INVALID_FAULT_PLAN', issues: [expect.stringMatching(/^0\.fault: unknown fault/)] } });
    expect((await put([{ fault: 'status=502' }])).status).toBe(200);
    expect(await statusOf(client)).toBe(502);
    expect((await put([])).status).toBe(200);
    expect(await statusOf(client)).toBe(200);
    expect(() => sim.setFaultPlan([{ fault: 'nope' }])).toThrow(SimError);
  });
});

describe('quota', () => {
  it('emits x-ratelimit headers and answers 429 with Retry-After when exhausted', async () => {
    const { sim, client } = await start({ quota: { requestsPerMinute: 2, tokensPerMinute: 100_000 } });
    const first = await client.chat.completions.create(body).withResponse();
    expect(first.response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(first.response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?m?s$|^\d+m\d+(\.\d+)?s$/);
    expect(first.response.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
    const used = (first.data.usage?.total_tokens ?? 0);
    expect(Number(first.response.headers.get('x-ratelimit-remaining-tokens'))).toBeGreaterThanOrEqual(100_000 - used - 1);
    const second = await client.chat.completions.create(body).withResponse();
    expect(second.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const error = await client.chat.completions.create(body).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rate = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rate.code).toBe('rate_limit_exceeded');
    expect(Number(rate.headers.get('retry-after'))).toBeGreaterThanOrEqual(29);
    expect(rate.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    sim.resetStats(); // refills the buckets
    expect(await statusOf(client)).toBe(200);
  });

  it('refuses on tokens per minute with the limit type tokens', async () => {
    const { client } = await start({ quota: { tokensPerMinute: 30 } });
    const error = await client.chat.completions.create(body, { headers: { 'x-sim-fault': 'output-tokens=50' } }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBe('tokens');
  });
});

describe('control endpoints and lifecycle', () => {
  it('serves stats, reset and redacted recent requests', async () => {
    const { sim, client } = await start({ recordRequests: 2 });
    await client.chat.completions.create(body);
    await client.embeddings.create({ model: 'e', input: 'x' });
    await client.chat.completions.create(body, { headers: { 'x-sim-fault': 'status=500' } }).catch(() => undefined);
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as Record<string, any>;
    expect(stats).toMatchObject({ total: 3, inFlight: 0, byModel: { m: 2, e: 1 }, byStatus: { '200': 2, '500': 1 } });
    expect(stats['byPath']).toEqual({ '/v1/chat/completions': 2, '/v1/embeddings': 1 });
    const recent = (await (await fetch(`${sim.url}/_sim/requests?limit=5`)).json()) as { requests: Array<Record<string, any>> };
    expect(recent.requests.map((r) => r['path'])).toEqual(['/v1/embeddings', '/v1/chat/completions']);
    expect(recent.requests[1]).toMatchObject({ status: 500, fault: 'status=500', headers: { authorization: '[present]' } });
    expect(JSON.stringify(recent)).not.toContain('sk-secret-value');
    expect((await fetch(`${sim.url}/_sim/reset`, { method: 'POST' })).status).toBe(200);
    expect(sim.stats().total).toBe(0);
    expect(sim.recentRequests()).toEqual([]);
  });

  it('answers unknown routes and bad JSON in the OpenAI error shape', async () => {
    const { sim } = await start();
    const notFound = await fetch(`${sim.url}/v1/nothing`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const badJson = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: '{oops' });
    expect(badJson.status).toBe(400);
    const strict = await start({ strictModels: true });
    expect(await statusOf(strict.client, 'unknown-model')).toBe(404);
  });

  it('close() ends open streams and stalls and leaves no timer behind', async () => {
    const { sim, client } = await start({ models: { slow: 'sim-realistic' } });
    const stalled = client.chat.completions.create(body, { headers: { 'x-sim-fault': 'stall' } }).catch((e: unknown) => e);
    const stream = await client.chat.completions.create({ ...body, model: 'slow', stream: true });
    const reading = (async () => {
      for await (const _chunk of stream) {
        // drain until the server goes away
      }
    })().catch((e: unknown) => e);
    for (let i = 0; i < 100 && sim.stats().inFlight < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sim.stats().inFlight).toBe(2);
    await sim.close();
    expect(await stalled).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(await reading).toBeInstanceOf(Error);
    expect(pendingTimerCount()).toBe(0);
    await sim.close(); // idempotent
  });
});
