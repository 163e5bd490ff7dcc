import { SLUICE } from '../../../collector/src/model/semconv.js';
import type { RateLimitsSection } from '../config/sections/rate-limits.js';
import { GatewayError, isClientFault } from '../errors.js';
import { inputCountOf } from '../metering/input-count.js';
import type { Identity, RequestCtx, Usage } from '../pipeline/context.js';
import { CallerMemo } from '../pipeline/caller-memo.js';
import type { Outcome } from '../pipeline/outcome.js';
import type { Stage } from '../pipeline/stage.js';
import { rateChecks, replicasOf } from './rate-checks.js';
import { formatResetDuration, rateLimitHeaders, worstRefusal } from './rate-limit-headers.js';
import type { RateCheck, RateLimiter, RateRefusal } from './rate-limiter.js';

/** Output tokens a call may produce, as it asked (0 when it set no maximum). */
function maxOutputTokens(ctx: RequestCtx): number {
  if (ctx.operation === 'embeddings') return 0;
  const max = ctx.body.max_completion_tokens ?? ctx.body.max_tokens;
  return typeof max === 'number' && max > 0 ? Math.floor(max) : 0;
}

/** Tokens a call is counted for before it runs: counted input plus the output maximum it asked for. */
export function tokensBeforeCall(ctx: RequestCtx, exact = true): number {
  const input = inputCountOf(ctx);
  return (exact ? input.exact() : input.upperBound) + maxOutputTokens(ctx);
}

const periodText = (ms: number) => formatResetDuration(ms);

/** The 429 for a rate limit, with OpenAI's headers (and `retry-after-ms`, which SDKs prefer). */
export function rateLimitedError(r: RateRefusal, headers: Record<string, string>, check: RateCheck | undefined): GatewayError {
  const periodMs = check?.rule.periodMs ?? 60_000;
  const whole = check === undefined ? undefined : check.rule[r.unit];
  const share = check !== undefined && check.replicas > 1 && whole !== undefined ? `, this gateway's share of ${whole} divided among ${check.replicas} replicas` : '';
  const what = `${r.limit} ${r.unit} per ${periodText(periodMs)}${share}`;
  if (r.retryAfterMs === undefined) {
    return new GatewayError('GW_RATE_LIMITED', `Rate limit "${r.rule}" (${what}): this call needs ${r.needed} ${r.unit}, more than the limit allows; lower max_tokens.`, {
      headers: { ...headers, 'x-should-retry': 'false' },
    });
  }
  return new GatewayError('GW_RATE_LIMITED', `Rate limit "${r.rule}" reached (${what}). Retry in ${formatResetDuration(r.retryAfterMs)}.`, {
    retryAfterMs: r.retryAfterMs,
    headers: { ...headers, 'retry-after-ms': String(r.retryAfterMs) },
  });
}

/**
 * Tokens a finished call used; a gateway cache hit used none. Without usage from upstream,
 * the call is settled to its counted input and max output.
 */
function actualTokens(ctx: RequestCtx, u: Usage | undefined, countsTokens: boolean): number {
  if (ctx.attrs[SLUICE.CACHE_HIT] === true) return 0;
  if (u) return u.inputTokens + u.outputTokens;
  return countedTokens(ctx, countsTokens);
}

const countedTokens = (ctx: RequestCtx, countsTokens: boolean): number => (countsTokens ? tokensBeforeCall(ctx, true) : 0);

/** The rate limits of one caller and model. */
interface CallerLimits {
  checks: RateCheck[];
  /** Some limit counts tokens (else the input is never counted). */
  countsTokens: boolean;
}

function callerLimits(section: RateLimitsSection, identity: Identity, model: string, replicas: number): CallerLimits {
  const checks = rateChecks(section, identity, { model }, 'llm', replicas);
  return { checks, countsTokens: checks.some((c) => c.tokens !== undefined) };
}

/**
 * Requests- and tokens-per-period limits per agent, team, key and model (GCRA). Refuses
 * with 429 and `x-ratelimit-*` headers (plus `anthropic-ratelimit-*` on `/v1/messages`);
 * puts the same headers on successful answers. Token
 * counts are settled to actual usage; a call refused further in (budget, guardrail, bad
 * request) gives its request back.
 */
export function rateLimitStage(limiter: RateLimiter, liveReplicas: () => number = () => 1): Stage {
  // Which limits apply depends only on the config, the caller, the model and the replica
  // count: resolved once per count (a new count, from `replicas: auto`, starts afresh).
  let replicas = 1;
  const memoFor = () => new CallerMemo((section: RateLimitsSection, identity: Identity, model: string) => callerLimits(section, identity, model, replicas));
  let applicable = memoFor();
  return async function rateLimit(ctx, next) {
    const section = ctx.config.rateLimits;
    if (!ctx.identity || section.rules.length === 0) return next();
    const now = replicasOf(section, liveReplicas);
    if (now !== replicas) {
      replicas = now;
      applicable = memoFor();
    }
    const { checks, countsTokens } = applicable.get(section, ctx.identity, ctx.model);
    if (checks.length === 0) return next();
    // The input's byte bound first (no tokenizer); the exact count only when the bound does not fit.
    let tokens = countsTokens ? tokensBeforeCall(ctx, false) : 0;
    let r = limiter.take(checks, 1, tokens);
    if (!r.ok && countsTokens && tokensBeforeCall(ctx, true) < tokens) {
      tokens = tokensBeforeCall(ctx, true);
      r = limiter.take(checks, 1, tokens);
    }
    const anthropicAtMs = ctx.api === 'anthropic' ? Date.now() : undefined;
    if (!r.ok) {
      const worst = worstRefusal(r.refusals);
      ctx.attrs[SLUICE.RATELIMIT_NAME] = worst.rule;
      throw rateLimitedError(worst, rateLimitHeaders(r.states, anthropicAtMs), checks.find((c) => c.rule.name === worst.rule));
    }
    // Written straight into the answer's headers (one object less per call).
    if (section.headersOnSuccess) rateLimitHeaders(r.states, anthropicAtMs, ctx.responseHeaders);
    const ticket = r.ticket;
    let out: Outcome;
    try {
      out = await next();
    } catch (err) {
      const refusedFurtherIn = err instanceof GatewayError && (err.code === 'GW_BUDGET_EXCEEDED' || isClientFault(err));
      limiter.settle(ticket, 0, refusedFurtherIn);
      throw err;
    }
    if (out.kind === 'json') {
      limiter.settle(ticket, actualTokens(ctx, out.usage, countsTokens));
      return out;
    }
    const summary = out.summary.then(
      (s) => {
        limiter.settle(ticket, actualTokens(ctx, s.usage, countsTokens));
        return s;
      },
      (err: unknown) => {
        limiter.settle(ticket, countedTokens(ctx, countsTokens));
        throw err;
      },
    );
    return { ...out, summary };
  };
}
