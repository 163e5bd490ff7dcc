import { type Rng, createRng } from '../sim/index.js';

/** A seeded source of uniform numbers in [0, 1): the LLM simulator's PRNG. */
export type Random = Rng;
export const seededRandom = (seed: number): Random => createRng(seed);

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
