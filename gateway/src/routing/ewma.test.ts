import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_EWMA, observeErrorEwma, observePeakEwma, readPeakEwma } from './ewma.js';

const DECAY = 10_000;

describe('peak EWMA', () => {
  it('takes the first sample as is, and a higher sample at once', () => {
    let e = observePeakEwma(EMPTY_EWMA, 50, 0, DECAY);
    expect(e.value).toBe(50);
    e = observePeakEwma(e, 400, 1, DECAY);
    expect(e.value).toBe(400);
  });

  it('blends a lower sample in by the time since the last one', () => {
    const e = observePeakEwma(EMPTY_EWMA, 400, 0, DECAY);
    const soon = observePeakEwma(e, 100, 10, DECAY).value;
    const later = observePeakEwma(e, 100, 20_000, DECAY).value;
    expect(soon).toBeGreaterThan(390);
    expect(later).toBeLessThan(200);
    expect(later).toBeGreaterThan(100);
  });

  it('decays toward zero while idle, so an avoided target gets probed again', () => {
    const e = observePeakEwma(EMPTY_EWMA, 1000, 0, DECAY);
    expect(readPeakEwma(e, 0, DECAY)).toBe(1000);
    expect(readPeakEwma(e, DECAY, DECAY)).toBeCloseTo(1000 / Math.E, 6);
    expect(readPeakEwma(EMPTY_EWMA, 5, DECAY)).toBe(0);
  });

  it('stays between 0 and the largest sample, and reads never grow with time', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(10_000), fc.nat(60_000)), { minLength: 1, maxLength: 50 }), fc.nat(100_000), (samples, extraMs) => {
        let e = EMPTY_EWMA;
        let t = 0;
        for (const [v, dt] of samples) {
          t += dt;
          e = observePeakEwma(e, v, t, DECAY);
        }
        const max = Math.max(...samples.map((s) => s[0]));
        expect(e.value).toBeGreaterThanOrEqual(0);
        expect(e.value).toBeLessThanOrEqual(max);
        expect(readPeakEwma(e, t + extraMs, DECAY)).toBeLessThanOrEqual(readPeakEwma(e, t, DECAY));
      }),
    );
  });
});

describe('error EWMA', () => {
  it('moves toward 1 on failures and toward 0 on successes, within [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), (outcomes) => {
        let e = EMPTY_EWMA;
        outcomes.forEach((failed, i) => {
          const before = readPeakEwma(e, i, DECAY);
          e = observeErrorEwma(e, failed, i, DECAY);
          const after = readPeakEwma(e, i, DECAY);
          expect(after).toBeGreaterThanOrEqual(0);
          expect(after).toBeLessThanOrEqual(1);
          if (failed) expect(after).toBeGreaterThanOrEqual(before);
          else expect(after).toBeLessThanOrEqual(before);
        });
      }),
    );
  });
});
