import { describe, expect, it } from 'vitest';
import type { CachedAnswer } from './cached-answer.js';
import { HotTier, type HotEntry } from './hot-tier.js';
import { VectorSet, normalise } from './vector-set.js';

const answer = (text: string): CachedAnswer => ({ v: 1, id: 'x', model: 'm', created: 0, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, estimated: false } });
const entry = (key: string, extra: Partial<HotEntry> = {}): HotEntry => ({ key, tenant: 't', answer: answer(key), sizeBytes: 1_000, createdAtMs: 0, expiresAtMs: 10_000, ...extra });

/** Deterministic unit vectors (xorshift) so failures reproduce. */
function vectors(seed: number) {
  let s = seed >>> 0 || 1;
  const r = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296 - 0.5;
  };
  return { random: (d: number) => normalise(Array.from({ length: d }, r))!, near: (v: Float32Array, noise: number) => normalise(Array.from(v, (x) => x + noise * r()))! };
}

describe('hot tier', () => {
  it('evicts least recently used entries once over its byte budget', () => {
    const hot = new HotTier(3_000);
    hot.put(entry('a'), 0);
    hot.put(entry('b'), 0);
    hot.put(entry('c'), 0);
    expect(hot.getExact('a', 't', 0)).toBeDefined(); // a is now the most recent
    hot.put(entry('d'), 0);
    expect(hot.getExact('b', 't', 0)).toBeUndefined();
    expect(['a', 'c', 'd'].every((k) => hot.getExact(k, 't', 0))).toBe(true);
    expect(hot.sizeBytes).toBe(3_000);
    hot.put(entry('huge', { sizeBytes: 5_000 }), 0);
    expect(hot.getExact('huge', 't', 0)).toBeUndefined();
  });

  it('expires entries and checks the tenant', () => {
    const hot = new HotTier(10_000);
    hot.put(entry('a', { expiresAtMs: 100 }), 0);
    expect(hot.getExact('a', 'other', 50)).toBeUndefined();
    expect(hot.getExact('a', 't', 99)).toBeDefined();
    expect(hot.getExact('a', 't', 100)).toBeUndefined();
    expect(hot.entries).toBe(0);
  });

  it('semantic search stays within a scope, skips expired entries and forgets evicted ones', () => {
    const g = vectors(3);
    const hot = new HotTier(2_500);
    const v = g.random(32);
    hot.put(entry('a', { scope: 's1', vector: v }), 0);
    hot.put(entry('b', { scope: 's2', vector: g.near(v, 0.01), expiresAtMs: 10 }), 0);
    expect(hot.nearest('s1', 't', v, 0)?.entry.key).toBe('a');
    expect(hot.nearest('s2', 't', v, 20)).toBeUndefined();
    expect(hot.nearest('s3', 't', v, 0)).toBeUndefined();
    hot.put(entry('c'), 0);
    hot.put(entry('d'), 0); // evicts a (LRU)
    expect(hot.nearest('s1', 't', v, 0)).toBeUndefined();
  });
});

describe('vector set', () => {
  it('is exact while small, and finds paraphrases with high recall once partitioned', () => {
    const g = vectors(9);
    const set = new VectorSet(64, { flatMax: 256, listCap: 64, probes: 6 });
    const topics = Array.from({ length: 40 }, () => g.random(64));
    const all: Float32Array[] = [];
    for (let i = 0; i < 4_000; i++) {
      const v = g.near(topics[i % topics.length], 0.15);
      all.push(v);
      set.set(`k${i}`, v);
    }
    expect(set.size).toBe(4_000);
    expect(set.partitions).toBeGreaterThan(40);
    let found = 0;
    for (let i = 0; i < 4_000; i += 20) if (set.nearest(g.near(all[i], 0.01))?.id === `k${i}`) found++;
    expect(found / 200).toBeGreaterThan(0.9);
    // Deleting keeps the set consistent: a deleted id is never returned.
    for (let i = 0; i < 4_000; i += 2) set.delete(`k${i}`);
    expect(set.size).toBe(2_000);
    for (let i = 0; i < 4_000; i += 40) expect(set.nearest(all[i])?.id).not.toBe(`k${i}`);
    const small = new VectorSet(8);
    const a = g.random(8);
    small.set('a', a);
    small.set('b', g.random(8));
    expect(small.nearest(a)).toEqual({ id: 'a', similarity: expect.closeTo(1, 5) });
  });
});
