/**
 * Least-latency choice by "power of two choices": draw two distinct candidates at random and
 * keep the one with the lower score. Cheaper than a full sort, and it never herds all
 * traffic onto one target that merely looked best a moment ago. Pure.
 */

/** A target's least-latency score: latency (ms) times load, plus a penalty for recent errors. */
export function latencyScore(latencyMs: number, inFlight: number, errorRate: number, errorPenaltyMs: number): number {
  // +1 ms so that targets without samples (latency 0) still spread by in-flight count.
  return (latencyMs + 1) * (inFlight + 1) + errorRate * errorPenaltyMs;
}

/** Index picked by power of two choices (ties go to the first drawn); -1 for no candidates. */
export function pickPowerOfTwo(scores: readonly number[], random: () => number): number {
  const n = scores.length;
  if (n === 0) return -1;
  if (n === 1) return 0;
  const a = Math.min(n - 1, Math.floor(random() * n));
  let b = Math.min(n - 2, Math.floor(random() * (n - 1)));
  if (b >= a) b++;
  return scores[b] < scores[a] ? b : a;
}

/** The P2C pick first, then the rest by ascending score (the failover order). */
export function latencyOrder<T>(items: readonly T[], scoreOf: (t: T) => number, random: () => number): T[] {
  const scores = items.map(scoreOf);
  const first = pickPowerOfTwo(scores, random);
  if (first < 0) return [];
  const rest = items.map((t, i) => ({ t, s: scores[i], i })).filter((x) => x.i !== first);
  rest.sort((x, y) => x.s - y.s || x.i - y.i);
  return [items[first], ...rest.map((x) => x.t)];
}
