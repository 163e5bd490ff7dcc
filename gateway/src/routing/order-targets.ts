import type { Strategy } from '../config/sections/models.js';
import { latencyOrder } from './p2c-pick.js';
import { weightedOrder } from './weighted-pick.js';

/** What ordering needs to know about the candidate targets (by index into the group). */
export interface OrderInputs {
  weightOf(i: number): number;
  /** Least-latency score (lower is better). */
  scoreOf(i: number): number;
  /** Estimated cost of this request on the target (micro-USD); Infinity when unpriced. */
  costOf(i: number): number;
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
    case 'least-cost': {
      const costs = new Map(indexes.map((i) => [i, inputs.costOf(i)]));
      return [...indexes].sort((a, b) => {
        const ca = costs.get(a) ?? Infinity;
        const cb = costs.get(b) ?? Infinity;
        if (ca === cb) return indexes.indexOf(a) - indexes.indexOf(b);
        return ca < cb ? -1 : 1;
      });
    }
  }
}
