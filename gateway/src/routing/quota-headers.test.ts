import { describe, expect, it } from 'vitest';
import { formatResetDuration } from '../../../scenarios/src/sim/quota.js';
import { parseResetDurationMs, readQuotaHeaders, waitForUnitsMs } from './quota-headers.js';

describe('x-ratelimit-* headers', () => {
  it('parses Go durations and bare seconds', () => {
    expect(parseResetDurationMs('20ms')).toBe(20);
    expect(parseResetDurationMs('1.5s')).toBe(1_500);
    expect(parseResetDurationMs('6m0s')).toBe(360_000);
    expect(parseResetDurationMs('1h2m3s')).toBe(3_723_000);
    expect(parseResetDurationMs('2')).toBe(2_000);
    expect(parseResetDurationMs('soon')).toBeUndefined();
    expect(parseResetDurationMs('5s!')).toBeUndefined();
    expect(parseResetDurationMs(undefined)).toBeUndefined();
  });

  it('reads what the simulator writes', () => {
    for (const ms of [0, 7, 999, 1_000, 1_234, 59_999, 61_500, 3_600_000]) expect(parseResetDurationMs(formatResetDuration(ms))).toBe(Math.ceil(ms));
  });

  it('reads requests and tokens; nothing without headers', () => {
    const q = readQuotaHeaders({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '60s',
      'x-ratelimit-remaining-tokens': '900',
      'x-ratelimit-reset-tokens': '2s',
    });
    expect(q?.requests).toEqual({ limit: 60, remaining: 0, resetMs: 60_000 });
    expect(q?.tokens).toEqual({ limit: undefined, remaining: 900, resetMs: 2_000 });
    expect(readQuotaHeaders({ 'content-type': 'application/json' })).toBeUndefined();
  });

  it('waits for the share of the reset that the missing units take (continuous refill)', () => {
    expect(waitForUnitsMs({ limit: 60, remaining: 0, resetMs: 60_000 }, 0)).toBe(1_000);
    expect(waitForUnitsMs({ limit: undefined, remaining: 0, resetMs: 5_000 }, 0)).toBe(5_000);
    expect(waitForUnitsMs({ limit: 60, remaining: 5, resetMs: 55_000 }, 0)).toBe(0);
    expect(waitForUnitsMs({ limit: 1_000, remaining: 100, resetMs: 9_000 }, 0, 300)).toBe(2_000);
  });
});
