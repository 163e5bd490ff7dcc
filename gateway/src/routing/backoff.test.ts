import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, retryWaitMs } from './backoff.js';

const cfg = { initialMs: 100, maxMs: 2_000, multiplier: 2 };

describe('exponential backoff with equal jitter', () => {
  it('grows by the multiplier and is capped', () => {
    const fixed = (r: number) => [0, 1, 2, 3, 4, 5, 6].map((i) => backoffDelayMs(i, cfg, () => r));
    expect(fixed(0)).toEqual([50, 100, 200, 400, 800, 1000, 1000]);
    expect(fixed(0.999999)).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  });

  it('stays within [step/2, step] for any draw', () => {
    fc.assert(
      fc.property(fc.nat(20), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (i, r) => {
        const step = Math.min(cfg.maxMs, cfg.initialMs * 2 ** i);
        const d = backoffDelayMs(i, cfg, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(step / 2));
        expect(d).toBeLessThanOrEqual(step);
      }),
    );
  });

  it('waits for the upstream Retry-After when it is longer', () => {
    expect(retryWaitMs(120, 2_000)).toBe(2_000);
    expect(retryWaitMs(120, 50)).toBe(120);
    expect(retryWaitMs(120, undefined)).toBe(120);
  });
});
