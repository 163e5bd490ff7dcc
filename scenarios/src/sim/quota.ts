import { z } from 'zod';

/**
 * Provider-side rate limits, the way OpenAI applies them: a requests-per-minute and a
 * tokens-per-minute bucket that refill continuously. Pure: the clock comes in as `nowMs`.
 */

export const QuotaSchema = z
  .object({
    requestsPerMinute: z.number().int().positive().optional(),
    tokensPerMinute: z.number().int().positive().optional(),
  })
  .strict();
export type QuotaLimits = z.output<typeof QuotaSchema>;

const MINUTE_MS = 60_000;

/** One limit's state as reported in headers. */
export interface QuotaDimension {
  readonly limit: number;
  readonly remaining: number;
  /** Time until the bucket is full again. */
  readonly resetMs: number;
}

export interface QuotaDecision {
  readonly allowed: boolean;
  /** Which limit refused, when one did. */
  readonly exceeded: 'requests' | 'tokens' | undefined;
  /** When the refused request could succeed; 0 when allowed. */
  readonly retryAfterMs: number;
  readonly requests: QuotaDimension | undefined;
  readonly tokens: QuotaDimension | undefined;
}

class Bucket {
  #level: number;
  #atMs: number;
  constructor(readonly limit: number, nowMs: number) {
    this.#level = limit;
    this.#atMs = nowMs;
  }
  #ratePerMs(): number {
    return this.limit / MINUTE_MS;
  }
  refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.#atMs);
    this.#level = Math.min(this.limit, this.#level + elapsedMs * this.#ratePerMs());
    this.#atMs = nowMs;
  }
  /** Wait until `cost` fits (a cost above the limit waits for a full bucket). */
  waitMs(cost: number): number {
    const needed = Math.min(cost, this.limit) - this.#level;
    return needed <= 0 ? 0 : Math.ceil(needed / this.#ratePerMs());
  }
  take(cost: number): void {
    this.#level -= cost;
  }
  fits(cost: number): boolean {
    return cost <= this.#level;
  }
  snapshot(): QuotaDimension {
    return {
      limit: this.limit,
      remaining: Math.max(0, Math.floor(this.#level)),
      resetMs: Math.ceil((this.limit - this.#level) / this.#ratePerMs()),
    };
  }
}

/** Mutable quota state for one server. */
export class QuotaTracker {
  readonly #requests: Bucket | undefined;
  readonly #tokens: Bucket | undefined;

  constructor(limits: QuotaLimits, nowMs: number) {
    this.#requests = limits.requestsPerMinute ? new Bucket(limits.requestsPerMinute, nowMs) : undefined;
    this.#tokens = limits.tokensPerMinute ? new Bucket(limits.tokensPerMinute, nowMs) : undefined;
  }

  /** Admits one request costing `tokens` if both buckets allow it; refused requests cost nothing. */
  take(nowMs: number, tokens: number): QuotaDecision {
    this.#requests?.refill(nowMs);
    this.#tokens?.refill(nowMs);
    let exceeded: QuotaDecision['exceeded'];
    if (this.#requests && !this.#requests.fits(1)) exceeded = 'requests';
    else if (this.#tokens && !this.#tokens.fits(tokens)) exceeded = 'tokens';
    let retryAfterMs = 0;
    if (exceeded) {
      retryAfterMs = Math.max(this.#requests?.waitMs(1) ?? 0, this.#tokens?.waitMs(tokens) ?? 0);
    } else {
      this.#requests?.take(1);
      this.#tokens?.take(tokens);
    }
    return {
      allowed: exceeded === undefined,
      exceeded,
      retryAfterMs,
      requests: this.#requests?.snapshot(),
      tokens: this.#tokens?.snapshot(),
    };
  }
}

/** Go-style duration as OpenAI writes `x-ratelimit-reset-*`: `20ms`, `1.5s`, `6m0s`. */
export function formatResetDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole < 1000) return `${whole}ms`;
  const minutes = Math.floor(whole / MINUTE_MS);
  const seconds = Number(((whole % MINUTE_MS) / 1000).toFixed(3));
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

/** OpenAI's `x-ratelimit-*` headers for a decision. */
export function openAiRateLimitHeaders(decision: QuotaDecision): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, dim] of [['requests', decision.requests], ['tokens', decision.tokens]] as const) {
    if (!dim) continue;
    headers[`x-ratelimit-limit-${name}`] = String(dim.limit);
    headers[`x-ratelimit-remaining-${name}`] = String(dim.remaining);
    headers[`x-ratelimit-reset-${name}`] = formatResetDuration(dim.resetMs);
  }
  return headers;
}

/** Anthropic's `anthropic-ratelimit-*` headers (reset as an RFC 3339 instant). */
export function anthropicRateLimitHeaders(decision: QuotaDecision, nowMs: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, dim] of [['requests', decision.requests], ['tokens', decision.tokens]] as const) {
    if (!dim) continue;
    headers[`anthropic-ratelimit-${name}-limit`] = String(dim.limit);
    headers[`anthropic-ratelimit-${name}-remaining`] = String(dim.remaining);
    headers[`anthropic-ratelimit-${name}-reset`] = new Date(nowMs + dim.resetMs).toISOString();
  }
  return headers;
}
