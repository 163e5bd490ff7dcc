import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpanStore, SLUICE, StoreConfigSchema, openStore } from '../../../collector/src/index.js';
import type { ConfigInput } from '../config/schema.js';
import { type Harness, eventually, inMemoryTelemetry, simConfig, startHarness } from '../../test/harness.js';
import { headerIdentity } from './cache-test-kit.js';
import { CACHE_DEGRADED_EVENT, type Cache, createCache, exactKey } from './index.js';

// The durable tier: an embedded chDB store in a temp dir, shared by gateways one after the
// other (a restart), plus stores that are down or hang. Embeddings come from the simulator
// (hashed bag-of-words: cache mechanics, not model quality; threshold tuned to it).
const dir = mkdtempSync(join(tmpdir(), 'sluice-cache-store-'));
let store: SpanStore;
const silent = pino({ level: 'silent' });

const config = (url: string, lookupTimeoutMs = 2_000): ConfigInput => ({
  ...simConfig(url),
  cache: {
    mode: 'on',
    ttlMs: 600_000,
    lookupTimeoutMs,
    store: { retryAfterMs: 60_000 },
    semantic: { enabled: true, threshold: 0.3, embeddings: { provider: 'sim', model: 'sim-embed' } },
  },
});

async function gatewayWith(cache: Cache, lookupTimeoutMs?: number) {
  const telemetry = inMemoryTelemetry();
  const h = await startHarness({
    config: (url) => config(url, lookupTimeoutMs),
    gateway: { telemetry, features: { stages: { identify: headerIdentity, cache: cache.stage } } },
  });
  return { h, telemetry };
}

async function ask(h: Harness, content: string, team: string) {
  const { data, response } = await h.client.chat.completions
    .create({ model: 'sim-fast', messages: [{ role: 'user', content }] }, { headers: { 'x-test-team': team } })
    .withResponse();
  return { data, cache: response.headers.get('x-sluice-cache'), tier: response.headers.get('x-sluice-cache-tier') };
}

beforeAll(() => {
  store = openStore(StoreConfigSchema.parse({ mode: 'embedded', path: join(dir, 'chdb') }), { env: {} });
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ClickHouse tier', () => {
  it('keeps the cache across a restart (exact and semantic), then serves from memory again', async () => {
    const first = createCache({ logger: silent, store });
    const a = await gatewayWith(first);
    const original = await ask(a.h, 'What is the return policy for electronics?', 'shop');
    expect(original.cache).toBe('miss');
    await a.h.close();
    expect(await first.close()).toBe(true);
    expect(first.stats().storeWrites).toBe(1);

    const second = createCache({ logger: silent, store });
    const b = await gatewayWith(second);
    try {
      const exact = await ask(b.h, 'What is the return policy for electronics?', 'shop');
      expect([exact.cache, exact.tier]).toEqual(['hit-exact', 'clickhouse']);
      expect(exact.data.choices[0].message.content).toBe(original.data.choices[0].message.content);
      expect((await ask(b.h, 'What is the return policy for electronics?', 'shop')).tier).toBe('memory');
      // Another team: nothing, exact or semantic, from the shared store either.
      expect((await ask(b.h, 'What is the return policy for electronics?', 'other-1')).cache).toBe('miss');
      expect((await ask(b.h, 'How many days do I have to return my laptop?', 'other-2')).cache).toBe('miss');
    } finally {
      await b.h.close();
      await second.close();
    }

    // A third replica with a cold memory tier: the paraphrase is found by the store's vector index.
    const third = createCache({ logger: silent, store });
    const c = await gatewayWith(third);
    try {
      const para = await ask(c.h, 'How many days do I have to return my laptop?', 'shop');
      expect([para.cache, para.tier]).toEqual(['hit-semantic', 'clickhouse']);
      expect(para.data.choices[0].message.content).toBe(original.data.choices[0].message.content);
      const spans = await eventually(() => c.telemetry.spans().filter((s) => s.kind === SpanKind.SERVER), (s) => s.length > 0);
      expect(spans[0].attributes).toMatchObject({ [SLUICE.CACHE_KIND]: 'semantic', [SLUICE.CACHE_TIER]: 'clickhouse' });
      expect(spans[0].attributes[SLUICE.CACHE_SIMILARITY] as number).toBeGreaterThan(0.3);
      // Once its vector is fetched (in the background), the entry serves paraphrases from memory.
      await third.close();
      expect((await ask(c.h, 'How many days do I have to return my laptop?', 'shop')).tier).toBe('memory');
    } finally {
      await c.h.close();
      await third.close();
    }
  });

  it('drops a corrupted entry (counted, noted) and answers with a miss', async () => {
    const content = 'Is there a student discount?';
    const key = exactKey({ tenant: 'team:corrupt', template: '', route: { group: 'sim-fast', targets: ['sim/sim-fast'] }, body: { model: 'sim-fast', messages: [{ role: 'user', content }] } });
    const far = new Date(Date.now() + 3_600_000).toISOString().replace('T', ' ').replace('Z', '');
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const cache = createCache({ logger: silent, store });
    const g = await gatewayWith(cache);
    try {
      // The table exists once the cache has looked something up.
      await ask(g.h, 'warm up the store tier', 'corrupt');
      await store.insertJsonEachRow('llm_cache', JSON.stringify({ key, tenant: 'team:corrupt', route: 'sim-fast', template: '', scope: '', answer: '{"v":1,"choices":[{"truncat', input_tokens: 1, output_tokens: 1, cached_input_tokens: 0, served_by: '', created_at: now, expires_at: far, embedding: [] }));
      g.telemetry.exporter.reset();
      const r = await ask(g.h, content, 'corrupt');
      expect(r.cache).toBe('miss');
      expect(cache.stats().corruptDropped).toBe(1);
      const spans = await eventually(() => g.telemetry.spans().filter((s) => s.kind === SpanKind.SERVER), (s) => s.length > 0);
      expect(spans[0].events.map((e) => e.attributes?.reason)).toContain('corrupt_entry');
      expect(spans[0].events.every((e) => e.name === CACHE_DEGRADED_EVENT)).toBe(true);
      await cache.close();
    } finally {
      await g.h.close();
    }
    // The fresh answer replaced it in the store.
    const next = createCache({ logger: silent, store });
    const g2 = await gatewayWith(next);
    try {
      expect((await ask(g2.h, content, 'corrupt')).tier).toBe('clickhouse');
      expect(next.stats().corruptDropped).toBe(0);
    } finally {
      await g2.h.close();
      await next.close();
    }
  });
});

describe('a store that is down or slow degrades to misses', () => {
  let hang: Server;
  const sockets = new Set<Socket>();
  let hangUrl = '';
  beforeAll(async () => {
    // Accepts connections and never answers: a store that hangs.
    hang = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    hangUrl = `http://127.0.0.1:${(hang.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => hang.close(r));
  });

  it('store down (connection refused): every request is answered; lookups fail once, then skip the store', async () => {
    const down = openStore(StoreConfigSchema.parse({ mode: 'server', url: 'http://127.0.0.1:1', requestTimeoutMs: 2_000 }), { env: {} });
    const cache = createCache({ logger: silent, store: down });
    const g = await gatewayWith(cache);
    try {
      expect((await ask(g.h, 'Do you ship to Norway?', 'down')).cache).toBe('miss');
      expect((await ask(g.h, 'Which payment cards are accepted?', 'down')).cache).toBe('miss');
      // The memory tier still serves what this replica stored.
      expect((await ask(g.h, 'Do you ship to Norway?', 'down')).tier).toBe('memory');
      const s = cache.stats();
      expect(s.storeLookupErrors).toBeGreaterThanOrEqual(1);
      expect(s.storeLookupsSkipped).toBeGreaterThanOrEqual(1);
    } finally {
      await g.h.close();
      await cache.close(500);
      await down.close();
    }
  });

  it('store hanging: the lookup gives up after lookupTimeoutMs and the request goes on as a miss', async () => {
    const slow = openStore(StoreConfigSchema.parse({ mode: 'server', url: hangUrl, requestTimeoutMs: 5_000 }), { env: {} });
    const cache = createCache({ logger: silent, store: slow });
    const g = await gatewayWith(cache, 100);
    try {
      const r = await ask(g.h, 'Can I pay with a gift card?', 'slow');
      expect(r.cache).toBe('miss');
      expect(r.data.choices[0].message.content?.length).toBeGreaterThan(0);
      expect(cache.stats().storeLookupTimeouts).toBe(1);
      const spans = await eventually(() => g.telemetry.spans().filter((s) => s.kind === SpanKind.SERVER), (s) => s.length > 0);
      expect(spans[0].events.map((e) => e.attributes?.reason)).toContain('store_timeout');
    } finally {
      await g.h.close();
      await cache.close(100);
      for (const s of sockets) s.destroy();
      await slow.close();
    }
  });
});
