/** A seeded PRNG (mulberry32): fast, 32-bit state, good enough for simulation. */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'gateway', 'ledger', 'stream', 'token', 'budget', 'agent', 'policy', 'trace', 'span', 'upstream',
  'latency', 'cache', 'router', 'tool', 'schema', 'session', 'federation', 'quota', 'replica', 'shard',
  'invoice', 'customer', 'report', 'summary', 'analysis', 'metric', 'window', 'signal', 'release', 'audit',
];

/** Deterministic filler text of about `bytes` bytes (ASCII, so bytes = chars). */
export function fillerText(random: Random, bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const word = WORDS[Math.floor(random() * WORDS.length)] ?? 'word';
    parts.push(word);
    size += word.length + 1;
  }
  return parts.join(' ').slice(0, bytes);
}

/** Draws a latency in ms from a fixed value or a uniform range. */
export function drawLatencyMs(random: Random, latency: number | { minMs: number; maxMs: number }): number {
  if (typeof latency === 'number') return latency;
  return Math.round(latency.minMs + random() * (latency.maxMs - latency.minMs));
}
