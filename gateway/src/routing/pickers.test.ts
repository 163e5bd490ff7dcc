import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderTargets } from './order-targets.js';
import { latencyOrder, latencyScore, pickPowerOfTwo } from './p2c-pick.js';
import { seededRandom } from './test/seeded-random.js';
import { pickWeighted, weightedOrder } from './weighted-pick.js';

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('weighted pick', () => {
  it('never picks a zero weight, and -1 when nothing is positive', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5), { minLength: 1, maxLength: 8 }), unit, (weights, r) => {
        const i = pickWeighted(weights, () => r);
        if (weights.every((w) => w === 0)) expect(i).toBe(-1);
        else expect(weights[i]).toBeGreaterThan(0);
      }),
    );
  });

  it('splits by weight (3:1 over 4,000 seeded draws, within 3 %)', () => {
    const random = seededRandom(11);
    let first = 0;
    for (let n = 0; n < 4_000; n++) if (pickWeighted([3, 1], random) === 0) first++;
    expect(Math.abs(first / 4_000 - 0.75)).toBeLessThan(0.03);
  });

  it('orders every item once, zero weights last', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(4), { maxLength: 8 }), fc.integer(), (weights, seed) => {
        const items = weights.map((w, i) => ({ i, w }));
        const order = weightedOrder(items, (x) => x.w, seededRandom(seed));
        expect([...order].sort((a, b) => a.i - b.i)).toEqual(items);
        const firstZero = order.findIndex((x) => x.w === 0);
        if (firstZero >= 0) expect(order.slice(firstZero).every((x) => x.w === 0)).toBe(true);
      }),
    );
  });
});

describe('power of two choices', () => {
  it('never picks the strictly worst of two or more candidates', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(1_000), { minLength: 2, maxLength: 10 }), unit, unit, (scores, r1, r2) => {
        const draws = [r1, r2];
        const i = pickPowerOfTwo(scores, () => draws.shift() ?? 0);
        expect(scores[i]).toBeLessThan(Math.max(...scores));
      }),
    );
  });

  it('with two candidates, always the better one', () => {
    const random = seededRandom(3);
    for (let n = 0; n < 50; n++) expect(pickPowerOfTwo([30, 10], random)).toBe(1);
  });

  it('puts the pick first, then the rest by score', () => {
    const order = latencyOrder(['a', 'b', 'c', 'd'], (x) => ({ a: 40, b: 10, c: 30, d: 20 })[x]!, seededRandom(5));
    expect(new Set(order)).toEqual(new Set(['a', 'b', 'c', 'd']));
    const rest = order.slice(1);
    const scores = rest.map((x) => ({ a: 40, b: 10, c: 30, d: 20 })[x]!);
    expect(scores).toEqual([...scores].sort((p, q) => p - q));
  });

  it('penalises requests in flight and recent errors', () => {
    expect(latencyScore(100, 0, 0, 2_000)).toBeLessThan(latencyScore(100, 1, 0, 2_000));
    expect(latencyScore(100, 0, 0, 2_000)).toBeLessThan(latencyScore(100, 0, 0.5, 2_000));
    // Unsampled targets (latency 0) still spread by load.
    expect(latencyScore(0, 0, 0, 2_000)).toBeLessThan(latencyScore(0, 2, 0, 2_000));
  });
});

describe('strategy order', () => {
  const inputs = {
    weightOf: () => 1,
    scoreOf: (i: number) => [5, 1, 9][i],
    costOf: (i: number) => [3, Infinity, 1][i],
    inputTokens: { atMost: () => 100, exact: () => 50 },
    random: seededRandom(1),
  };
  it('priority keeps config order; least-cost sorts by cost with unpriced last', () => {
    expect(orderTargets([0, 1, 2], 'priority', inputs)).toEqual([0, 1, 2]);
    expect(orderTargets([0, 1, 2], 'least-cost', inputs)).toEqual([2, 0, 1]);
  });
  it('least-cost orders by cost at the counted input, counting only when prices alone do not decide', () => {
    const price = fc.record({ input: fc.integer({ min: 0, max: 20 }), output: fc.integer({ min: 0, max: 20 }) });
    fc.assert(
      fc.property(fc.array(fc.option(price, { nil: undefined }), { minLength: 1, maxLength: 5 }), fc.nat(2_000), fc.nat(100), fc.nat(40), (prices, bound, share, output) => {
        const exact = Math.floor((bound * share) / 100);
        let counted = 0;
        const cost = (i: number, n: number) => (prices[i] === undefined ? Infinity : prices[i]!.input * n + prices[i]!.output * output);
        const order = orderTargets(prices.map((_, i) => i), 'least-cost', {
          ...inputs,
          costOf: cost,
          inputTokens: { atMost: () => bound, exact: () => (counted++, exact) },
        });
        const expected = prices.map((_, i) => i).sort((a, b) => (cost(a, exact) === cost(b, exact) ? a - b : cost(a, exact) < cost(b, exact) ? -1 : 1));
        expect(order).toEqual(expected);
        expect(counted).toBeLessThanOrEqual(1);
        // Targets each at least as cheap per input and per output token as the next never need the count.
        const priced = prices.filter((p) => p !== undefined);
        const dominated = priced.every((p, i) => priced.every((q, j) => i === j || (p.input < q.input && p.output < q.output) || (p.input > q.input && p.output > q.output)));
        if (dominated && output > 0) expect(counted).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('least-latency never leads with the slowest of three', () => {
    for (let n = 0; n < 20; n++) expect(orderTargets([0, 1, 2], 'least-latency', inputs)[0]).not.toBe(2);
  });
});
