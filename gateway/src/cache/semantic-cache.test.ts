import { SpanKind } from '@opentelemetry/api';
import type OpenAI from 'openai';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cosineSimilarity } from '../../../scenarios/src/sim/index.js';
import { SLUICE } from '../../../collector/src/model/semconv.js';
import type { ConfigInput } from '../config/schema.js';
import { type Harness, eventually, inMemoryTelemetry, simConfig, startHarness } from '../../test/harness.js';
import { headerIdentity } from './cache-test-kit.js';
import { CACHE_DEGRADED_EVENT, type Cache, createCache } from './index.js';

/*
 * The semantic cache end to end, with the simulator's `/v1/embeddings`: deterministic
 * hashed bag-of-words vectors (shared content words → higher cosine), not a real embedding
 * model. These tests check the cache's mechanics — the threshold, scoping by tenant, model
 * and instructions, expiry, failures — not the quality of any embedding model. The
 * threshold 0.3 is tuned to the simulator: the report's paraphrase pair scores 0.35 there,
 * unrelated questions below 0.12 (a real model would be tuned nearer 0.9).
 */
const T0 = 1_750_000_000_000;
let clock = T0;
let cache: Cache;
let h: Harness;
const telemetry = inMemoryTelemetry();
const THRESHOLD = 0.3;

/** `embeddingsDown`: embeddings from a provider nothing listens for (connection refused). */
const config = (url: string, embeddingsDown = false): ConfigInput => ({
  ...simConfig(url),
  providers: [...(simConfig(url).providers ?? []), { name: 'embed-down', kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1' }],
  cache: {
    mode: 'on',
    ttlMs: 60_000,
    semantic: { enabled: true, threshold: THRESHOLD, embed: 'last-user-message', embeddings: { provider: embeddingsDown ? 'embed-down' : 'sim', model: 'sim-embed', timeoutMs: 2_000 } },
    models: { 'sim-realistic': { semantic: { threshold: 0.9 } } },
  },
});
let simUrl = '';

beforeAll(async () => {
  cache = createCache({ now: () => clock, logger: pino({ level: 'silent' }) });
  h = await startHarness({
    config: (url) => {
      simUrl = url;
      return config(url);
    },
    gateway: { telemetry, features: { stages: { identify: headerIdentity, cache: cache.stage } } },
  });
});
afterAll(async () => {
  await h?.close();
  await cache?.close();
});
beforeEach(() => {
  telemetry.exporter.reset();
});

const RETURN_POLICY = 'What is the return policy for electronics?';
const LAPTOP = 'How many days do I have to return my laptop?';

type Body = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
const q = (content: string, extra: Partial<Body> = {}): Body => ({ model: 'sim-fast', messages: [{ role: 'user', content }], ...extra });

async function ask(body: Body, team: string, headers: Record<string, string> = {}) {
  const { data, response } = await h.client.chat.completions.create(body, { headers: { 'x-test-team': team, ...headers } }).withResponse();
  return { data, cache: response.headers.get('x-sluice-cache'), tier: response.headers.get('x-sluice-cache-tier') };
}

const serverSpans = () => telemetry.spans().filter((s) => s.kind === SpanKind.SERVER);

describe('semantic cache (simulated embeddings: mechanics, not model quality)', () => {
  it("serves the report's paraphrase from the semantic cache, with the similarity on the span", async () => {
    const first = await ask(q(RETURN_POLICY), 'shop');
    expect(first.cache).toBe('miss');
    const para = await ask(q(LAPTOP), 'shop');
    expect(para.cache).toBe('hit-semantic');
    expect(para.tier).toBe('memory');
    expect(para.data.choices[0].message.content).toBe(first.data.choices[0].message.content);

    const emb = await h.client.embeddings.create({ model: 'sim-embed', input: [RETURN_POLICY, LAPTOP], encoding_format: 'float' });
    const expected = cosineSimilarity(emb.data[0].embedding, emb.data[1].embedding);
    expect(expected).toBeGreaterThan(THRESHOLD);
    const spans = await eventually(serverSpans, (s) => s.some((x) => x.attributes[SLUICE.CACHE_KIND] === 'semantic'));
    const hit = spans.find((x) => x.attributes[SLUICE.CACHE_KIND] === 'semantic')!;
    expect(hit.attributes[SLUICE.CACHE_HIT]).toBe(true);
    expect(hit.attributes[SLUICE.CACHE_TIER]).toBe('memory');
    expect(hit.attributes[SLUICE.CACHE_SIMILARITY] as number).toBeCloseTo(expected, 3);

    // Below the threshold: an unrelated question is answered by the model.
    expect((await ask(q("What's the weather in Paris today?"), 'shop')).cache).toBe('miss');
  });

  it('honours a per-route threshold', async () => {
    const fast = { 'x-sim-fault': 'ttft-ms=0;token-ms=0' };
    expect((await ask(q(RETURN_POLICY, { model: 'sim-realistic' }), 'strict', fast)).cache).toBe('miss');
    expect((await ask(q(LAPTOP, { model: 'sim-realistic' }), 'strict', fast)).cache).toBe('miss');
  });

  it('is scoped by tenant, model, instructions and earlier turns', async () => {
    await ask(q(RETURN_POLICY), 'team-a');
    expect((await ask(q(LAPTOP), 'team-b')).cache).toBe('miss');
    expect((await ask(q(LAPTOP, { model: 'sim-realistic' }), 'team-a', { 'x-sim-fault': 'ttft-ms=0;token-ms=0' })).cache).toBe('miss');
    const system = { role: 'system' as const, content: 'You answer for the furniture department.' };
    expect((await ask({ ...q(LAPTOP), messages: [system, { role: 'user', content: LAPTOP }] }, 'team-a')).cache).toBe('miss');
    const history: Body['messages'] = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }, { role: 'user', content: LAPTOP }];
    expect((await ask({ ...q(LAPTOP), messages: history }, 'team-a')).cache).toBe('miss');
    expect((await ask(q(LAPTOP), 'team-a')).cache).toBe('hit-semantic');
  });

  it('expires semantic entries after the TTL (injected clock)', async () => {
    await ask(q(RETURN_POLICY), 'ttl');
    clock += 61_000;
    expect((await ask(q(LAPTOP), 'ttl')).cache).toBe('miss');
  });

  it('answers a streaming paraphrase with a replayed stream', async () => {
    const first = await ask(q(RETURN_POLICY), 'stream');
    const { data: stream, response } = await h.client.chat.completions
      .create({ ...q(LAPTOP), stream: true }, { headers: { 'x-test-team': 'stream' } })
      .withResponse();
    expect(response.headers.get('x-sluice-cache')).toBe('hit-semantic');
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe(first.data.choices[0].message.content);
  });

  it('an embeddings failure is a miss, recorded on the span and in stats; the exact cache still works', async () => {
    const reloaded = await h.gw.reload(config(simUrl, true));
    expect(reloaded.ok).toBe(true);
    const failuresBefore = cache.stats().embeddingFailures;
    const body = q('Which warranty covers a broken screen?');
    expect((await ask(body, 'emb-down')).cache).toBe('miss');
    const spans = await eventually(serverSpans, (s) => s.length > 0);
    const ev = spans[0].events.find((e) => e.name === CACHE_DEGRADED_EVENT);
    expect(ev?.attributes).toMatchObject({ reason: 'embedding_failed', detail: 'unreachable' });
    expect(cache.stats().embeddingFailures).toBeGreaterThan(failuresBefore);
    await eventually(() => cache.stats().stored, (n) => n > 0);
    expect((await ask(body, 'emb-down')).cache).toBe('hit-exact');
    await h.gw.reload(config(simUrl));
  });
});
