import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayRetry, restartDelayMs } from './restart-backoff.js';

const policy = { initialDelayMs: 200, maxDelayMs: 30_000, multiplier: 2, maxAttempts: 0 };

describe('restart backoff', () => {
  it('grows exponentially to the cap, jittered between 50% and 100%', () => {
    expect(restartDelayMs(1, policy, () => 1)).toBe(200);
    expect(restartDelayMs(3, policy, () => 1)).toBe(800);
    expect(restartDelayMs(3, policy, () => 0)).toBe(400);
    expect(restartDelayMs(40, policy, () => 1)).toBe(30_000);
    fc.assert(fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
      const d = restartDelayMs(attempt, policy, () => r);
      expect(d).toBeGreaterThanOrEqual(1);
      expect(d).toBeLessThanOrEqual(policy.maxDelayMs);
    }));
  });

  it('stops after maxAttempts when set', () => {
    expect(mayRetry(1_000, policy)).toBe(true);
    expect(mayRetry(2, { ...policy, maxAttempts: 3 })).toBe(true);
    expect(mayRetry(3, { ...policy, maxAttempts: 3 })).toBe(false);
  });
});
