import type { Config } from '../config/schema.js';
import type { Identity } from '../pipeline/context.js';
import { rateChecks, replicasOf } from './rate-checks.js';
import { rateLimitHeaders, worstRefusal } from './rate-limit-headers.js';
import { rateLimitedError } from './rate-limit-stage.js';
import type { RateLimiter } from './rate-limiter.js';

/** A tool call admitted by the rate limits: its headers, and a way to give the call back. */
export interface ToolRateTicket {
  headers: Record<string, string>;
  /** The call did not run (refused further in): it consumes no quota. */
  refund(): void;
}

/** Per-tool call-count limits (`appliesTo: tools`); throws GW_RATE_LIMITED with OpenAI-style headers. */
export function checkToolRate(limiter: RateLimiter, config: Config, identity: Identity, server: string, tool: string, liveReplicas: () => number = () => 1): ToolRateTicket {
  const checks = rateChecks(config.rateLimits, identity, { server, tool }, 'tools', replicasOf(config.rateLimits, liveReplicas));
  if (checks.length === 0) return { headers: {}, refund: () => {} };
  const r = limiter.take(checks, 1, 0);
  const headers = rateLimitHeaders(r.states);
  if (!r.ok) {
    const worst = worstRefusal(r.refusals);
    throw rateLimitedError(worst, headers, checks.find((c) => c.rule.name === worst.rule));
  }
  return { headers, refund: () => limiter.settle(r.ticket, 0, true) };
}
