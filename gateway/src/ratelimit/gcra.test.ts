import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gcraAdjust, gcraRemaining, gcraTake } from './gcra.js';

describe('GCRA', () => {
  const l = { limit: 500, periodMs: 3_600_000 };

  it('allows a burst of the whole limit, then refuses until enough has replenished', () => {
    const a = gcraTake(l, 0, 500, 0);
    expect(a).toMatchObject({ allowed: true, remaining: 0, resetMs: 3_600_000 });
    const b = gcraTake(l, a.tatMs, 10, 0);
    expect(b.allowed).toBe(false);
    expect(b.retryAfterMs).toBe(72_000); // 10 tokens × 7.2 s
    expect(gcraTake(l, a.tatMs, 10, 72_000).allowed).toBe(true);
  });

  it('never admits a cost above the limit', () => {
    expect(gcraTake(l, 0, 501, 0)).toMatchObject({ allowed: false, retryAfterMs: undefined });
  });

  it('refunds move the state back, never past full', () => {
    const a = gcraTake(l, 0, 300, 0);
    const refunded = gcraAdjust(l, a.tatMs, -200, 0);
    expect(gcraRemaining(l, refunded, 0)).toBe(400);
    expect(gcraRemaining(l, gcraAdjust(l, refunded, -10_000, 0), 0)).toBe(500);
    // An overrun (actual above what was taken) is recorded: the caller waits it off.
    const over = gcraAdjust(l, a.tatMs, 400, 0);
    expect(gcraTake(l, over, 0, 0).allowed).toBe(false);
  });

  it('property: in any span of time, admitted cost ≤ limit + rate × span', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 100, max: 100_000 }),
        fc.array(fc.record({ dtMs: fc.integer({ min: 0, max: 20_000 }), cost: fc.integer({ min: 0, max: 300 }) }), { maxLength: 80 }),
        (limit, periodMs, reqs) => {
          const lim = { limit, periodMs };
          let tat = 0;
          let t = 0;
          const admitted: Array<{ t: number; cost: number }> = [];
          for (const r of reqs) {
            t += r.dtMs;
            const d = gcraTake(lim, tat, r.cost, t);
            if (d.allowed) {
              tat = d.tatMs;
              admitted.push({ t, cost: r.cost });
            } else if (d.retryAfterMs !== undefined && !gcraTake(lim, tat, r.cost, t + d.retryAfterMs).allowed) return false;
          }
          for (let i = 0; i < admitted.length; i++) {
            let sum = 0;
            for (let j = i; j < admitted.length; j++) {
              sum += admitted[j].cost;
              if (sum > limit + ((admitted[j].t - admitted[i].t) * limit) / periodMs + 1e-6) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
