import { z } from 'zod';

/**
 * Seeded randomness for the simulator: a tiny PRNG, a string hash to derive seeds, and the
 * latency/length distributions profiles are written in. Pure: the same seed always gives
 * the same sequence, which is what makes sim responses reproducible.
 */

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: 32-bit state, fast, good enough for simulation (not for cryptography). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** cyrb53-style hash of a string to a non-negative integer below 2^53; seeds and cache keys. */
export function hashString(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Folds any number of parts into one 32-bit seed. */
export function deriveSeed(...parts: ReadonlyArray<string | number>): number {
  return hashString(parts.join('\u0001')) >>> 0;
}

const boundsShape = { min: z.number().optional(), max: z.number().optional() };

/** A distribution as written in config; a bare number is shorthand for `{ fixed }`. */
export const DistributionSchema = z.union([
  z.number().transform((fixed) => ({ fixed })),
  z.object({ fixed: z.number() }).strict(),
  z.object({ uniform: z.object({ min: z.number(), max: z.number() }).strict() }).strict(),
  z.object({ normal: z.object({ mean: z.number(), stdDev: z.number().nonnegative(), ...boundsShape }).strict() }).strict(),
  z.object({ lognormal: z.object({ median: z.number().positive(), sigma: z.number().nonnegative(), ...boundsShape }).strict() }).strict(),
]);
export type Distribution = z.output<typeof DistributionSchema>;
export type DistributionInput = z.input<typeof DistributionSchema>;

function clamp(value: number, min: number | undefined, max: number | undefined): number {
  let out = value;
  if (min !== undefined && out < min) out = min;
  if (max !== undefined && out > max) out = max;
  return out;
}

/** Standard normal draw (Box-Muller); `1 - rng()` keeps the log argument in (0, 1]. */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng();
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Draws one value from a distribution; callers round when they need integers. */
export function sample(dist: Distribution, rng: Rng): number {
  if ('fixed' in dist) return dist.fixed;
  if ('uniform' in dist) {
    const { min, max } = dist.uniform;
    return min + (max - min) * rng();
  }
  if ('normal' in dist) {
    const { mean, stdDev, min, max } = dist.normal;
    return clamp(mean + stdDev * standardNormal(rng), min, max);
  }
  const { median, sigma, min, max } = dist.lognormal;
  return clamp(median * Math.exp(sigma * standardNormal(rng)), min, max);
}

/** True when the distribution can only ever give zero (lets the server skip timers). */
export function isAlwaysZero(dist: Distribution): boolean {
  if ('fixed' in dist) return dist.fixed <= 0;
  if ('uniform' in dist) return dist.uniform.max <= 0;
  const bounds = 'normal' in dist ? dist.normal : dist.lognormal;
  return bounds.max !== undefined && bounds.max <= 0;
}
