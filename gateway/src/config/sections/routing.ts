import { z } from 'zod';

/**
 * `routing`: gateway-wide defaults for retries, backoff, deadlines, circuit breakers,
 * quota awareness, hedging and health checks. A model group may override `retry`,
 * `deadlineMs`, `breaker` and `hedging` under `models.<name>.routing` (field by field).
 *
 * Each block is written twice on purpose: with defaults (this section) and without (the
 * group override), because zod's `.partial()` keeps defaults and an override must be able
 * to say "not set here".
 */

/** Failure kinds that may trigger another attempt (same target after backoff, or the next target). */
export const RETRY_ON = ['connect', 'timeout', 'rate-limited', 'server-error', 'bad-response', 'upstream-refused'] as const;
export type RetryOnKind = (typeof RETRY_ON)[number];

const backoffShape = {
  initialMs: z.number().int().min(0).max(60_000),
  maxMs: z.number().int().min(0).max(300_000),
  multiplier: z.number().min(1).max(10),
};

const retryShape = {
  /** Upstream attempts per request, across targets, retries and hedges. */
  maxAttempts: z.number().int().min(1).max(10),
  /**
   * Which failures get another attempt. `upstream-refused` (the provider refused the
   * gateway's key, or does not know the model) only ever fails over, never retries the
   * same target. A client-caused 4xx is never retried whatever this says.
   */
  retryOn: z.array(z.enum(RETRY_ON)),
  /** Exponential backoff with full jitter before retrying a target already tried. */
  backoff: z.object(backoffShape).partial().strict(),
  /** A `Retry-After` longer than this is not waited for inside the request: other targets are tried, or the error (with its Retry-After) goes back to the client. */
  maxRetryAfterMs: z.number().int().min(0).max(600_000),
};

export const RetrySchema = z
  .object({
    maxAttempts: retryShape.maxAttempts.default(3),
    retryOn: retryShape.retryOn.default([...RETRY_ON]),
    backoff: z
      .object({
        initialMs: backoffShape.initialMs.default(100),
        maxMs: backoffShape.maxMs.default(2_000),
        multiplier: backoffShape.multiplier.default(2),
      })
      .strict()
      .prefault({}),
    maxRetryAfterMs: retryShape.maxRetryAfterMs.default(2_000),
  })
  .strict();
const RetryOverrideSchema = z.object(retryShape).partial().strict();

const breakerShape = {
  enabled: z.boolean(),
  /** Consecutive failures that eject a target. */
  consecutiveFailures: z.number().int().min(1).max(1_000),
  /** Failure share (percent) over `windowMs` that ejects a target, once `minRequests` were seen. */
  errorRatePercent: z.number().min(1).max(100),
  windowMs: z.number().int().min(1_000).max(3_600_000),
  minRequests: z.number().int().min(1).max(100_000),
  /** First ejection; doubles on each repeated ejection up to `maxEjectionMs`. */
  baseEjectionMs: z.number().int().min(100).max(3_600_000),
  maxEjectionMs: z.number().int().min(100).max(86_400_000),
  /** Requests let through at once to probe an ejected target once its ejection has run out. */
  halfOpenProbes: z.number().int().min(1).max(100),
};

export const BreakerSchema = z
  .object({
    enabled: breakerShape.enabled.default(true),
    consecutiveFailures: breakerShape.consecutiveFailures.default(5),
    errorRatePercent: breakerShape.errorRatePercent.default(50),
    windowMs: breakerShape.windowMs.default(30_000),
    minRequests: breakerShape.minRequests.default(20),
    baseEjectionMs: breakerShape.baseEjectionMs.default(10_000),
    maxEjectionMs: breakerShape.maxEjectionMs.default(300_000),
    halfOpenProbes: breakerShape.halfOpenProbes.default(1),
  })
  .strict();
const BreakerOverrideSchema = z.object(breakerShape).partial().strict();

const hedgingShape = {
  /** Off by default: a hedge may cost a second upstream call. */
  enabled: z.boolean(),
  /** Start the next target when the first has no first token (JSON: no answer) after this long. */
  afterMs: z.number().int().min(10).max(600_000),
  /** Extra concurrent attempts at most (each counts against `retry.maxAttempts`). */
  maxHedges: z.number().int().min(1).max(3),
};

export const HedgingSchema = z
  .object({
    enabled: hedgingShape.enabled.default(false),
    afterMs: hedgingShape.afterMs.default(2_000),
    maxHedges: hedgingShape.maxHedges.default(1),
  })
  .strict();
const HedgingOverrideSchema = z.object(hedgingShape).partial().strict();

/** Provider quota awareness from `x-ratelimit-*` headers and 429 answers. */
export const QuotaSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** A target whose `x-ratelimit-remaining-requests` is at or below this is skipped until it refills. */
    minRemainingRequests: z.number().int().min(0).default(0),
    /** Same for `x-ratelimit-remaining-tokens` (a request also skips a target that cannot fit its counted tokens). */
    minRemainingTokens: z.number().int().min(0).default(0),
    /** How long a 429 without `Retry-After` benches a target. */
    rateLimitedCooldownMs: z.number().int().min(0).max(600_000).default(1_000),
    /** Upper bound on any bench time read from upstream headers. */
    maxCooldownMs: z.number().int().min(1_000).max(86_400_000).default(600_000),
  })
  .strict();

/** `least-latency`: time-decayed EWMA of TTFT and of errors, plus a penalty per request in flight. */
export const LeastLatencySchema = z
  .object({
    /** EWMA time constant: a sample this old weighs 1/e of a fresh one. */
    decayMs: z.number().int().min(100).max(3_600_000).default(10_000),
    /** Added to a target's score per unit of error EWMA (1 = every recent call failed). */
    errorPenaltyMs: z.number().min(0).max(600_000).default(2_000),
  })
  .strict();

/** `least-cost`: the output length assumed for a request without `max_tokens`. */
export const LeastCostSchema = z
  .object({ assumedOutputTokens: z.number().int().min(0).max(1_000_000).default(256) })
  .strict();

/** Active health checks: a one-token chat call per target on an interval. Off by default. */
export const HealthChecksSchema = z
  .object({
    enabled: z.boolean().default(false),
    intervalMs: z.number().int().min(1_000).max(3_600_000).default(30_000),
    timeoutMs: z.number().int().min(100).max(120_000).default(5_000),
    /** Checks running at once. */
    concurrency: z.number().int().min(1).max(16).default(2),
    /** Targets checked per round at most (bounded cost). */
    maxTargets: z.number().int().min(1).max(1_000).default(32),
    /** `ejected`: only targets the breaker has ejected (brings them back early); `all`: every target. */
    targets: z.enum(['ejected', 'all']).default('ejected'),
  })
  .strict();

export const RoutingSectionSchema = z
  .object({
    retry: RetrySchema.prefault({}),
    /** Time to find an answer: every attempt, backoff and hedge until the first token can go to the client (JSON: the whole answer). */
    deadlineMs: z.number().int().min(100).max(3_600_000).default(120_000),
    breaker: BreakerSchema.prefault({}),
    quota: QuotaSchema.prefault({}),
    hedging: HedgingSchema.prefault({}),
    leastLatency: LeastLatencySchema.prefault({}),
    leastCost: LeastCostSchema.prefault({}),
    healthChecks: HealthChecksSchema.prefault({}),
  })
  .strict()
  .prefault({});
export type RoutingSection = z.infer<typeof RoutingSectionSchema>;

/** `models.<name>.routing`: a group's overrides of the gateway-wide routing defaults. */
export const RoutingOverrideSchema = z
  .object({
    retry: RetryOverrideSchema.optional(),
    deadlineMs: z.number().int().min(100).max(3_600_000).optional(),
    breaker: BreakerOverrideSchema.optional(),
    hedging: HedgingOverrideSchema.optional(),
  })
  .strict();
export type RoutingOverride = z.infer<typeof RoutingOverrideSchema>;
