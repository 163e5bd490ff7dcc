/**
 * Weighted random choice. Pure: randomness comes in as `random()` in [0, 1).
 */

/** Index of an item picked with probability weight/Σweights; -1 when no weight is positive. */
export function pickWeighted(weights: readonly number[], random: () => number): number {
  let sum = 0;
  for (const w of weights) if (w > 0) sum += w;
  if (sum <= 0) return -1;
  let x = random() * sum;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i] > 0)) continue;
    last = i;
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return last; // only reached through float rounding at the top of the range
}

/**
 * A failover order drawn by weight without replacement: the first item is a weighted pick,
 * the next a weighted pick among the rest, and so on; zero-weight items come last, in order.
 */
export function weightedOrder<T>(items: readonly T[], weightOf: (t: T) => number, random: () => number): T[] {
  const rest = [...items];
  const out: T[] = [];
  while (rest.length > 0) {
    const i = pickWeighted(rest.map(weightOf), random);
    if (i < 0) break;
    out.push(rest[i]);
    rest.splice(i, 1);
  }
  return out.concat(rest);
}
