import type { Strategy } from '../config/sections/models.js';
import { latencyOrder } from './p2c-pick.js';
import { weightedOrder } from './weighted-pick.js';

/** What ordering needs to know about the candidate targets (by index into the group). */
export interface OrderInputs {
  weightOf(i: number): number;
  /** Least-latency score (lower is better). */
  scoreOf(i: number): number;
  /** Estimated cost (micro-USD) of this request on the target with `inputTokens` in; Infinity when unpriced. */
  costOf(i: number, inputTokens: number): number;
  /** The request's input tokens: a free upper bound, and the count (costly, asked for only when needed). */
  inputTokens: { atMost(): number; exact(): number };
  random(): number;
}

/**
 * The order in which a request tries `indexes` under `strategy` (the first is the pick):
 * priority keeps config order; weighted draws by weight without replacement; least-latency
 * picks by power of two choices, then ascending score; least-cost sorts by estimated cost,
 * config order breaking ties and unpriced targets last. Pure.
 */
export function orderTargets(indexes: readonly number[], strategy: Strategy, inputs: OrderInputs): number[] {
  switch (strategy) {
    case 'priority':
      return [...indexes];
    case 'weighted':
      return weightedOrder(indexes, inputs.weightOf, inputs.random);
    case 'least-latency':
      return latencyOrder(indexes, inputs.scoreOf, inputs.random);
    case 'least-cost':
      return costOrder(indexes, inputs);
  }
}

/**
 * Least-cost order without counting the input when the prices decide alone. A target's cost
 * is linear in the input tokens, which lie between 0 and the byte bound, so a pair that
 * compares the same way (strictly) at both ends compares so at the count too; only a pair
 * whose order flips inside (one cheaper per input token, the other per output token) needs
 * the count. The result is the order by cost at the counted input, as if counted.
 */
function costOrder(indexes: readonly number[], inputs: OrderInputs): number[] {
  const atMost = inputs.inputTokens.atMost();
  const low = new Map(indexes.map((i) => [i, inputs.costOf(i, 0)]));
  const high = new Map(indexes.map((i) => [i, inputs.costOf(i, atMost)]));
  let exact: Map<number, number> | undefined;
  const configOrder = (a: number, b: number) => indexes.indexOf(a) - indexes.indexOf(b);
  return [...indexes].sort((a, b) => {
    const la = low.get(a) as number;
    const lb = low.get(b) as number;
    // Unpriced targets cost Infinity whatever the input: last, in config order.
    if (la === Infinity || lb === Infinity) return la === lb ? configOrder(a, b) : la === Infinity ? 1 : -1;
    const atLow = Math.sign(la - lb);
    const atHigh = Math.sign((high.get(a) as number) - (high.get(b) as number));
    if (atLow !== 0 && atLow === atHigh) return atLow;
    if (exact === undefined) {
      const n = inputs.inputTokens.exact();
      exact = new Map(indexes.map((i) => [i, inputs.costOf(i, n)]));
    }
    const ca = exact.get(a) as number;
    const cb = exact.get(b) as number;
    return ca === cb ? configOrder(a, b) : ca < cb ? -1 : 1;
  });
}
