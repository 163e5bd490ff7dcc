import { SpanKind } from '@opentelemetry/api';
import type OpenAI from 'openai';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SLUICE } from '../../../collector/src/model/semconv.js';
import { type Harness, eventually, inMemoryTelemetry, simConfig, startHarness } from '../../test/harness.js';
import { headerIdentity, rejectOnHeader } from './cache-test-kit.js';
import { type Cache, createCache } from './index.js';

// The exact cache end to end: the openai SDK → gateway (cache stage) → simulator.
const T0 = 1_750_000_000_000;
let clock = T0;
let cache: Cache;
let h: Harness;
const telemetry = inMemoryTelemetry();

beforeAll(async () => {
  cache = createCache({ now: () => clock, logger: pino({ level: 'silent' }) });
  h = await startHarness({
    config: (url) => ({
      ...simConfig(url),
      cache: { mode: 'on', ttlMs: 60_000, models: { 'sim-realistic': { mode: 'read-only' } } },
      budgets: { pricing: { models: { 'sim-fast': { inputUsdPerMTok: 2.5, outputUsdPerMTok: 10 } } } },
    }),
    gateway: { telemetry, features: { stages: { identify: headerIdentity, cache: cache.stage, guardResponse: rejectOnHeader } } },
  });
});
afterAll(async () => {
  await h?.close();
  await cache?.close();
});
beforeEach(() => {
  telemetry.exporter.reset();
});

type Body = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
let n = 0;
/** A request nobody asked before (each test starts from a cold key). */
const fresh = (extra: Partial<Body> = {}): Body => ({ model: 'sim-fast', messages: [{ role: 'user', content: `Question ${++n}: tell me about rivers.` }], ...extra });

async function ask(body: Body, headers: Record<string, string> = {}) {
  const { data, response } = await h.client.chat.completions.create(body, { headers }).withResponse();
  return { data, cache: response.headers.get('x-sluice-cache'), tier: response.headers.get('x-sluice-cache-tier') };
}

describe('exact cache', () => {
  it('answers a repeated request from memory, with a fresh id and the original content and usage', async () => {
    const body = fresh();
    const first = await ask(body);
    const second = await ask(body);
    expect(first.cache).toBe('miss');
    expect(second.cache).toBe('hit-exact');
    expect(second.tier).toBe('memory');
    expect(second.data.choices[0].message.content).toBe(first.data.choices[0].message.content);
    expect(second.data.usage).toMatchObject({ prompt_tokens: first.data.usage?.prompt_tokens, completion_tokens: first.data.usage?.completion_tokens });
    expect(second.data.id).not.toBe(first.data.id);
  });

  it('misses when any field that changes the answer differs', async () => {
    const base = fresh({ temperature: 0.5, max_tokens: 64 });
    expect((await ask(base)).cache).toBe('miss');
    const tool = { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };
    const variants: Array<[string, Body]> = [
      ['messages', { ...base, messages: [{ role: 'user', content: `${String(base.messages[0].content)}!` }] }],
      ['system prompt', { ...base, messages: [{ role: 'system', content: 'Be terse.' }, ...base.messages] }],
      ['model', { ...base, model: 'sim-realistic' }],
      ['tools', { ...base, tools: [tool] }],
      ['tool_choice', { ...base, tools: [tool], tool_choice: 'none' }],
      ['response_format', { ...base, response_format: { type: 'json_object' } }],
      ['temperature', { ...base, temperature: 0.6 }],
      ['top_p', { ...base, top_p: 0.9 }],
      ['seed', { ...base, seed: 42 }],
      ['n', { ...base, n: 2 }],
      ['max_tokens', { ...base, max_tokens: 65 }],
      ['stop', { ...base, stop: ['\n'] }],
      ['presence_penalty', { ...base, presence_penalty: 0.1 }],
      ['frequency_penalty', { ...base, frequency_penalty: 0.1 }],
    ];
    for (const [field, body] of variants) {
      const r = await ask(body);
      expect({ field, cache: r.cache }).toEqual({ field, cache: 'miss' });
    }
    // Key order, `user` and transport fields do not change the answer: still a hit.
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as unknown as Body;
    expect((await ask({ ...reordered, user: 'end-user-7' })).cache).toBe('hit-exact');
  });

  it("never serves one team's answer to another (nor to an agent without a team)", async () => {
    const body = fresh();
    expect((await ask(body, { 'x-test-team': 'team-a' })).cache).toBe('miss');
    expect((await ask(body, { 'x-test-team': 'team-b' })).cache).toBe('miss');
    expect((await ask(body, { 'x-test-agent': 'solo-agent' })).cache).toBe('miss');
    expect((await ask(body, { 'x-test-team': 'team-a', 'x-test-agent': 'other-agent-of-a' })).cache).toBe('hit-exact');
    expect((await ask(body, { 'x-test-team': 'team-b' })).cache).toBe('hit-exact');
  });

  it('expires entries after the TTL (injected clock)', async () => {
    const body = fresh();
    await ask(body);
    clock += 59_000;
    expect((await ask(body)).cache).toBe('hit-exact');
    clock += 2_000;
    expect((await ask(body)).cache).toBe('miss');
    expect((await ask(body)).cache).toBe('hit-exact');
  });

  it('puts hit, kind, tier, lookup time and the saved cost on the span; budgets see the hit flag', async () => {
    const body = fresh();
    const first = await ask(body);
    await ask(body);
    const spans = await eventually(() => telemetry.spans().filter((s) => s.kind === SpanKind.SERVER), (s) => s.length >= 2);
    const [miss, hit] = spans;
    expect(miss.attributes[SLUICE.CACHE_HIT]).toBe(false);
    expect(typeof miss.attributes[SLUICE.CACHE_LOOKUP_MS]).toBe('number');
    expect(hit.attributes).toMatchObject({ [SLUICE.CACHE_HIT]: true, [SLUICE.CACHE_KIND]: 'exact', [SLUICE.CACHE_TIER]: 'memory' });
    const u = first.data.usage!;
    // 2.5 and 10 USD per 1M tokens = 2.5 and 10 micro-USD per token, rounded up.
    expect(hit.attributes[SLUICE.CACHE_SAVED_MICRO_USD]).toBe(Math.ceil(u.prompt_tokens * 2.5 + u.completion_tokens * 10));
    expect(hit.attributes[SLUICE.CACHE_SIMILARITY]).toBeUndefined();
  });
});

describe('cache control headers', () => {
  it('no-store: answers without storing', async () => {
    const body = fresh();
    expect((await ask(body, { 'cache-control': 'no-store' })).cache).toBe('miss');
    expect((await ask(body)).cache).toBe('miss');
    expect((await ask(body)).cache).toBe('hit-exact');
  });

  it('no-cache (refresh): bypasses the stored answer and replaces it with the fresh one', async () => {
    const body = fresh();
    const a = await ask(body, { 'x-sim-seed': '1' });
    const b = await ask(body, { 'cache-control': 'no-cache', 'x-sim-seed': '2' });
    expect(b.cache).toBe('bypass');
    expect(b.data.choices[0].message.content).not.toBe(a.data.choices[0].message.content);
    const c = await ask(body);
    expect(c.cache).toBe('hit-exact');
    expect(c.data.choices[0].message.content).toBe(b.data.choices[0].message.content);
  });

  it('x-sluice-cache: off bypasses, read-only never stores, refresh stores, unknown values are refused', async () => {
    const body = fresh();
    expect((await ask(body, { 'x-sluice-cache': 'read-only' })).cache).toBe('miss');
    expect((await ask(body, { 'x-sluice-cache': 'off' })).cache).toBe('bypass');
    expect((await ask(body, { 'x-sluice-cache': 'refresh' })).cache).toBe('bypass');
    expect((await ask(body, { 'x-sluice-cache': 'read-only' })).cache).toBe('hit-exact');
    await expect(ask(body, { 'x-sluice-cache': 'sometimes' })).rejects.toMatchObject({ status: 400 });
  });

  it('a header cannot widen the configured mode (sim-realistic is read-only)', async () => {
    const body = fresh({ model: 'sim-realistic' });
    const fast = { 'x-sluice-cache': 'on', 'x-sim-fault': 'ttft-ms=0;token-ms=0' };
    expect((await ask(body, fast)).cache).toBe('miss');
    expect((await ask(body, fast)).cache).toBe('miss');
  });
});

describe('only normal answers are cached', () => {
  it('a failed call is not cached', async () => {
    const body = fresh();
    await expect(ask(body, { 'x-sim-fault': 'status=400' })).rejects.toMatchObject({ status: 400 });
    expect((await ask(body)).cache).toBe('miss');
  });

  it('a truncated answer (finish_reason length) is not cached', async () => {
    const body = fresh({ max_tokens: 3 });
    const cut = await ask(body, { 'x-sim-fault': 'output-tokens=40' });
    expect(cut.data.choices[0].finish_reason).toBe('length');
    const again = await ask(body);
    expect(again.cache).toBe('miss');
  });

  it('an answer the response guardrail rejects is not cached', async () => {
    const body = fresh();
    await expect(ask(body, { 'x-test-reject': '1' })).rejects.toMatchObject({ status: 400 });
    expect((await ask(body)).cache).toBe('miss');
  });

  it('a stream that breaks is not cached; one that ends well is', async () => {
    const body = { ...fresh(), stream: true as const };
    const broken = await h.client.chat.completions.create(body, { headers: { 'x-sim-fault': 'disconnect-after=2' } });
    await expect((async () => {
      for await (const _ of broken) { /* drain */ }
    })()).rejects.toThrow();
    const before = cache.stats().stored;
    const ok = await h.client.chat.completions.create(body).withResponse();
    expect(ok.response.headers.get('x-sluice-cache')).toBe('miss');
    for await (const _ of ok.data) { /* drain */ }
    await eventually(() => cache.stats().stored, (s) => s > before);
    const { response } = await h.client.chat.completions.create({ ...body, stream: false }).withResponse();
    expect(response.headers.get('x-sluice-cache')).toBe('hit-exact');
  });
});

describe('streaming replay of a hit', () => {
  it('replays a cached answer as an SSE stream the openai SDK reads, usage chunk included', async () => {
    const body = fresh();
    const original = await ask(body);
    const { data: stream, response } = await h.client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }).withResponse();
    expect(response.headers.get('x-sluice-cache')).toBe('hit-exact');
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    let text = '';
    let chunks = 0;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const c of stream) {
      chunks++;
      expect(c.object).toBe('chat.completion.chunk');
      text += c.choices[0]?.delta.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
      if (c.usage) usage = c.usage;
    }
    expect(text).toBe(original.data.choices[0].message.content);
    expect(chunks).toBeGreaterThan(2);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(original.data.usage?.completion_tokens);
  });

  it('replays tool calls (stored from a stream) that the SDK reassembles', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const body = { model: 'sim-fast', messages: [{ role: 'user' as const, content: `Weather in Rome, question ${++n}?` }], tools };
    const before = cache.stats().stored;
    const first = h.client.chat.completions.stream(body);
    const original = await first.finalChatCompletion();
    expect(original.choices[0].finish_reason).toBe('tool_calls');
    await eventually(() => cache.stats().stored, (s) => s > before);
    const { data: replay, response } = await h.client.chat.completions.create({ ...body, stream: true }).withResponse();
    expect(response.headers.get('x-sluice-cache')).toBe('hit-exact');
    const calls = new Map<number, { id?: string; name: string; args: string }>();
    let finish: string | null = null;
    for await (const c of replay) {
      for (const tc of c.choices[0]?.delta.tool_calls ?? []) {
        const cur = calls.get(tc.index) ?? { name: '', args: '' };
        if (tc.id) cur.id = tc.id;
        cur.name += tc.function?.name ?? '';
        cur.args += tc.function?.arguments ?? '';
        calls.set(tc.index, cur);
      }
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    const want = original.choices[0].message.tool_calls?.[0];
    expect(finish).toBe('tool_calls');
    expect(calls.get(0)).toEqual({ id: want?.id, name: want?.type === 'function' ? want.function.name : '', args: want?.type === 'function' ? want.function.arguments : '' });
    const json = await ask(body);
    expect(json.cache).toBe('hit-exact');
    expect(json.data.choices[0].message.tool_calls).toEqual(original.choices[0].message.tool_calls);
  });
});
