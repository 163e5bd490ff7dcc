import { describe, expect, it } from 'vitest';
import { formatResetDuration, rateLimitHeaders } from './rate-limit-headers.js';

describe('rate-limit headers', () => {
  it('formats durations as OpenAI does', () => {
    expect(formatResetDuration(20)).toBe('20ms');
    expect(formatResetDuration(1000)).toBe('1s');
    expect(formatResetDuration(1500)).toBe('1.5s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
    expect(formatResetDuration(3_723_000)).toBe('1h2m3s');
  });

  it('reports the tightest limit per unit', () => {
    const h = rateLimitHeaders([
      { rule: 'a', unit: 'requests', limit: 60, remaining: 59, resetMs: 1000 },
      { rule: 'b', unit: 'requests', limit: 10, remaining: 3, resetMs: 42_000 },
      { rule: 'b', unit: 'tokens', limit: 500, remaining: 120, resetMs: 2_736_000 },
    ]);
    expect(h).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '3',
      'x-ratelimit-reset-requests': '42s',
      'x-ratelimit-limit-tokens': '500',
      'x-ratelimit-remaining-tokens': '120',
      'x-ratelimit-reset-tokens': '45m36s',
    });
  });

  it("adds Anthropic's anthropic-ratelimit-* names, resets as RFC 3339 instants, for /v1/messages clients", () => {
    const h = rateLimitHeaders(
      [
        { rule: 'a', unit: 'requests', limit: 10, remaining: 3, resetMs: 42_000 },
        { rule: 'b', unit: 'tokens', limit: 500, remaining: 120, resetMs: 1_500.2 },
      ],
      Date.UTC(2026, 10, 27, 12, 0, 0),
    );
    expect(h).toMatchObject({
      'x-ratelimit-remaining-requests': '3',
      'anthropic-ratelimit-requests-limit': '10',
      'anthropic-ratelimit-requests-remaining': '3',
      'anthropic-ratelimit-requests-reset': '2026-11-27T12:00:42.000Z',
      'anthropic-ratelimit-tokens-limit': '500',
      'anthropic-ratelimit-tokens-remaining': '120',
      'anthropic-ratelimit-tokens-reset': '2026-11-27T12:00:01.501Z',
    });
  });
});
