import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DistributionSchema, createRng, deriveSeed, hashString, isAlwaysZero, sample } from './random.js';

describe('createRng', () => {
  it('replays the same sequence for the same seed and differs across seeds', () => {
    const draw = (seed: number): number[] => {
      const rng = createRng(seed);
      return Array.from({ length: 5 }, () => rng());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('stays in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = createRng(seed);
        for (let i = 0; i < 50; i++) {
          const x = rng();
          if (x < 0 || x >= 1) return false;
        }
        return true;
      }),
    );
  });
});

describe('hashString / deriveSeed', () => {
  it('is stable and sensitive to every part', () => {
    expect(hashString('abc')).toBe(hashString('abc'));
    expect(hashString('abc')).not.toBe(hashString('abd'));
    expect(deriveSeed(1, 'a', 2)).toBe(deriveSeed(1, 'a', 2));
    expect(deriveSeed(1, 'a', 2)).not.toBe(deriveSeed(1, 'a', 3));
    expect(Number.isSafeInteger(hashString('x'.repeat(1000)))).toBe(true);
  });
});

describe('distributions', () => {
  it('accepts a bare number as fixed and rejects unknown shapes', () => {
    expect(DistributionSchema.parse(5)).toEqual({ fixed: 5 });
    expect(DistributionSchema.safeParse({ poisson: { lambda: 2 } }).success).toBe(false);
    expect(DistributionSchema.safeParse({ uniform: { min: 1, max: 2 }, extra: 1 }).success).toBe(false);
  });

  it('keeps bounded normal and lognormal draws inside their bounds', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 1, max: 1000, noNaN: true }), (seed, median) => {
        const rng = createRng(seed);
        const logn = DistributionSchema.parse({ lognormal: { median, sigma: 2, min: 10, max: 500 } });
        const norm = DistributionSchema.parse({ normal: { mean: median, stdDev: 50, min: 0, max: 100 } });
        const uni = DistributionSchema.parse({ uniform: { min: 3, max: 7 } });
        for (let i = 0; i < 20; i++) {
          const a = sample(logn, rng);
          const b = sample(norm, rng);
          const c = sample(uni, rng);
          if (a < 10 || a > 500 || b < 0 || b > 100 || c < 3 || c >= 7) return false;
        }
        return true;
      }),
    );
  });

  it('puts the lognormal median where it says', () => {
    const rng = createRng(1);
    const dist = DistributionSchema.parse({ lognormal: { median: 350, sigma: 0.5 } });
    const draws = Array.from({ length: 4001 }, () => sample(dist, rng)).sort((a, b) => a - b);
    const median = draws[2000] ?? 0;
    expect(median).toBeGreaterThan(320);
    expect(median).toBeLessThan(380);
  });

  it('knows which distributions are always zero', () => {
    expect(isAlwaysZero({ fixed: 0 })).toBe(true);
    expect(isAlwaysZero({ uniform: { min: 0, max: 0 } })).toBe(true);
    expect(isAlwaysZero({ fixed: 1 })).toBe(false);
    expect(isAlwaysZero({ lognormal: { median: 1, sigma: 1 } })).toBe(false);
  });
});
