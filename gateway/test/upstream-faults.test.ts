import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, SIM_HEADERS, SIM_TEST_KEY, simConfig, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    config: (url) => {
      const c = simConfig(url);
      c.providers = [{ name: 'sim', kind: 'openai', baseUrl: `${url}/v1`, apiKey: { env: 'SIM_TEST_KEY' }, forwardHeaders: SIM_HEADERS, timeouts: { connectMs: 1000, firstByteMs: 400, totalMs: 5000 } }];
      c.providers.push({ name: 'dead', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', timeouts: { connectMs: 500, firstByteMs: 500, totalMs: 2000 } });
      c.providers.push({ name: 'sim-short', kind: 'openai', baseUrl: `${url}/v1`, forwardHeaders: SIM_HEADERS, timeouts: { connectMs: 1000, firstByteMs: 400, totalMs: 800 } });
      c.models = { ...c.models, 'dead-model': { provider: 'dead', model: 'x' }, 'short-total': { provider: 'sim-short', model: 'sim-fast' } };
      return c;
    },
  });
});
afterAll(async () => {
  await h.close();
});

const msg = [{ role: 'user' as const, content: 'hello there' }];
const fault = (spec: string) => ({ headers: { 'x-sim-fault': spec } });

function expectNoSecret(err: unknown) {
  const text = JSON.stringify(err) + String((err as Error).message);
  expect(text).not.toContain(SIM_TEST_KEY);
  expect(text).not.toContain(SIM_TEST_KEY.slice(0, 12));
}

describe('upstream failures become 502/504 in the OpenAI shape, naming the provider', () => {
  it('5xx → 502', async () => {
    const err = await h.client.chat.completions.create({ model: 'sim-fast', messages: msg }, fault('status=500')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((err as Error).message).toMatch(/provider sim/);
    expectNoSecret(err);
  });

  it('503 → 502 and the upstream Retry-After is kept', async () => {
    const err = (await h.client.chat.completions.create({ model: 'sim-fast', messages: msg }, fault('status=503;retry-after=3')).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(502);
    expect(err.headers?.get('retry-after')).toBe('3');
  });

  it('connection refused → 502 naming the provider', async () => {
    const err = (await h.client.chat.completions.create({ model: 'dead-model', messages: msg }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(502);
    expect(err.message).toMatch(/provider dead is unreachable/);
  });

  it('socket destroyed before any answer → 502', async () => {
    const err = (await h.client.chat.completions.create({ model: 'sim-fast', messages: msg }, fault('refuse')).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(502);
  });

  it('no first byte within the provider timeout → 504', async () => {
    const err = (await h.client.chat.completions.create({ model: 'sim-fast', messages: msg }, fault('stall')).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(504);
    expect(err.message).toMatch(/provider sim timed out/);
  });

  it('a stream that outlives the provider total timeout is cut with an error event', async () => {
    const stream = await h.client.chat.completions.create({ model: 'short-total', messages: msg, stream: true }, fault('token-ms=50;output-tokens=200'));
    let got = 0;
    const err = await (async () => {
      for await (const c of stream) if (c.choices[0]?.delta?.content) got++;
    })().catch((e: unknown) => e);
    expect(got).toBeGreaterThan(3);
    expect(got).toBeLessThan(200);
    expect((err as Error).message).toMatch(/did not finish within its total timeout of 800 ms/);
  });

  it('upstream 4xx the client caused passes through with its message', async () => {
    const err = (await h.client.chat.completions.create({ model: 'sim-fast', messages: msg }, fault('context-length-exceeded')).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(400);
    expect(err.code).toBe('context_length_exceeded');
  });

  it('a stream cut mid-way ends with an error the SDK raises, not a clean end', async () => {
    const stream = await h.client.chat.completions.create({ model: 'sim-fast', messages: msg, stream: true }, fault('disconnect-after=3'));
    let got = 0;
    const err = await (async () => {
      for await (const c of stream) if (c.choices[0]?.delta?.content) got++;
    })().catch((e: unknown) => e);
    expect(got).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toMatch(/stream from provider sim/);
  });

  it('a malformed chunk mid-stream ends with an error event', async () => {
    const stream = await h.client.chat.completions.create({ model: 'sim-fast', messages: msg, stream: true }, fault('malformed-after=2'));
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toMatch(/malformed chunk/);
  });

  it('a client that aborts mid-stream aborts the upstream request at once', async () => {
    const ac = new AbortController();
    const stream = await h.client.chat.completions.create({ model: 'sim-realistic', messages: msg, stream: true }, { signal: ac.signal, headers: { 'x-sim-fault': 'ttft-ms=10;token-ms=50;output-tokens=400' } });
    let n = 0;
    await (async () => {
      for await (const c of stream) {
        if (c.choices[0]?.delta?.content && ++n === 2) ac.abort();
      }
    })().catch(() => {});
    const deadline = Date.now() + 2000;
    while (h.sim.stats().inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(h.sim.stats().inFlight).toBe(0);
  });
});
