/** Rate limits: GCRA per agent/team/key/model (LLM calls) and per server/tool (MCP calls). */
export { gcraAdjust, gcraRemaining, gcraTake } from './gcra.js';
export type { GcraDecision, GcraLimit } from './gcra.js';
export { RateLimiter } from './rate-limiter.js';
export type { LimitState, RateCheck, RateRefusal, RateTicket, TakeResult } from './rate-limiter.js';
export { rateChecks } from './rate-checks.js';
export type { CallDims } from './rate-checks.js';
export { formatResetDuration, rateLimitHeaders, worstRefusal } from './rate-limit-headers.js';
export { rateLimitedError, rateLimitStage, tokensBeforeCall } from './rate-limit-stage.js';
export { checkToolRate } from './tool-rate.js';
export type { ToolRateTicket } from './tool-rate.js';
