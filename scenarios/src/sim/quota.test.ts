import { describe, expect, it } from 'vitest';
import { QuotaTracker, anthropicRateLimitHeaders, formatResetDuration, openAiRateLimitHeaders } from './quota.js';

describe('QuotaTracker', () => {
  it('admits up to the request limit, then refuses with the wait for one request', () => {
    const quota = new QuotaTracker({ requestsPerMinute: 2 }, 0);
    expect(quota.take(0, 10).allowed).toBe(true);
    const second = quota.take(0, 10);
    expect(second.allowed).toBe(true);
    expect(second.requests).toEqual({ limit: 2, remaining: 0, resetMs: 60_000 });
    const third = quota.take(0, 10);
    expect(third).toMatchObject({ allowed: false, exceeded: 'requests', retryAfterMs: 30_000 });
    expect(quota.take(30_000, 10).allowed).toBe(true);
  });

  it('charges tokens and refuses what does not fit, without charging the refusal', () => {
    const quota = new QuotaTracker({ tokensPerMinute: 1000 }, 0);
    expect(quota.take(0, 900).allowed).toBe(true);
    const refused = quota.take(0, 200);
    expect(refused).toMatchObject({ allowed: false, exceeded: 'tokens', retryAfterMs: 6_000 });
    expect(refused.tokens?.remaining).toBe(100);
    expect(quota.take(0, 100).allowed).toBe(true);
  });

  it('never lets the bucket exceed its limit', () => {
    const quota = new QuotaTracker({ requestsPerMinute: 3 }, 0);
    expect(quota.take(10 * 60_000, 0).requests?.remaining).toBe(2);
  });
});

describe('rate-limit headers', () => {
  it('writes OpenAI and Anthropic header sets', () => {
    const decision = new QuotaTracker({ requestsPerMinute: 60, tokensPerMinute: 6000 }, 0).take(0, 100);
    expect(openAiRateLimitHeaders(decision)).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '6000',
      'x-ratelimit-remaining-tokens': '5900',
      'x-ratelimit-reset-tokens': '1s',
    });
    expect(anthropicRateLimitHeaders(decision, 0)['anthropic-ratelimit-requests-reset']).toBe('1970-01-01T00:00:01.000Z');
  });

  it('formats durations like Go', () => {
    expect(formatResetDuration(17)).toBe('17ms');
    expect(formatResetDuration(1500)).toBe('1.5s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
    expect(formatResetDuration(-5)).toBe('0ms');
  });
});
