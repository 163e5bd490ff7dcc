import { mergeFaults, selectFault } from './fault-plan.js';
import { faultKinds, formatFaultSpec, isEmptyFaultSpec, type FaultSpec } from './fault-spec.js';
import { anthropicRateLimitHeaders, openAiRateLimitHeaders } from './quota.js';
import { createRng, deriveSeed } from './random.js';
import { sendError, type RequestScope } from './request-scope.js';
import { pauseMs, untilAborted } from './stream-writer.js';

/**
 * The checks between a parsed request and its answer, shared by every API route: which
 * fault applies, faults that replace the answer, context window, and provider quota. Each
 * returns whether it already finished the request.
 */

/** The request's fault: `x-sim-fault` over the plan; counted in stats and recorded. */
export function resolveFault(scope: RequestScope, model: string | undefined): FaultSpec | undefined {
  const { state } = scope;
  const elapsedMs = Date.now() - state.planInstalledAtMs;
  if (scope.record) scope.record.planMs = elapsedMs;
  const planFault =
    state.plan.length === 0
      ? undefined
      : selectFault(state.plan, { model, path: scope.path, elapsedMs }, (ruleIndex) => createRng(deriveSeed(state.config.seed, 'fault', scope.seq, ruleIndex))());
  const fault = mergeFaults(scope.headerFault, planFault);
  if (!fault || isEmptyFaultSpec(fault)) return undefined;
  state.stats.faults(faultKinds(fault));
  if (scope.record) scope.record.fault = formatFaultSpec(fault);
  return fault;
}

/**
 * Faults that stand in for the answer: refuse, stall, a delay before answering, an error
 * status. True when the request is finished (answered, cut, or the client left meanwhile).
 */
export async function answeredByFault(scope: RequestScope, fault: FaultSpec | undefined): Promise<boolean> {
  if (!fault) return false;
  if (fault.refuse) {
    scope.cutByServer = true;
    scope.req.socket.destroy();
    return true;
  }
  if (fault.stall) {
    await untilAborted(scope.signal);
    return true;
  }
  if (fault.stallMs !== undefined && !(await pauseMs(fault.stallMs, scope.signal))) return true;
  if (fault.status !== undefined) {
    const retryAfterMs = fault.retryAfterS === undefined ? undefined : fault.retryAfterS * 1000;
    sendError(scope, { status: fault.status, kind: 'injected_status', message: '', retryAfterMs });
    return true;
  }
  return false;
}

/** 400 `context_length_exceeded` when the prompt is over the window (or the fault says so). */
export function rejectedForContext(
  scope: RequestScope,
  fault: FaultSpec | undefined,
  promptTokens: number,
  windowTokens: number,
): boolean {
  if (!fault?.contextLengthExceeded && promptTokens <= windowTokens) return false;
  const message =
    scope.api === 'anthropic'
      ? `prompt is too long: ${Math.max(promptTokens, windowTokens + 1)} tokens > ${windowTokens} maximum`
      : `This model's maximum context length is ${windowTokens} tokens. However, your messages resulted in ${Math.max(promptTokens, windowTokens + 1)} tokens. Please reduce the length of the messages.`;
  sendError(scope, { status: 400, kind: 'context_length_exceeded', message, param: 'messages' });
  return true;
}

/** Takes `tokens` from the quota; on refusal answers 429 with `Retry-After`. */
export function rejectedByQuota(scope: RequestScope, model: string, tokens: number): boolean {
  const quota = scope.state.quota;
  if (!quota) return false;
  const nowMs = Date.now();
  const decision = quota.take(nowMs, tokens);
  scope.quotaHeaders = scope.api === 'anthropic' ? anthropicRateLimitHeaders(decision, nowMs) : openAiRateLimitHeaders(decision);
  if (decision.allowed) return false;
  const limit = decision.exceeded === 'tokens' ? decision.tokens : decision.requests;
  const waitS = (decision.retryAfterMs / 1000).toFixed(3);
  const message = `Rate limit reached for ${model} on ${decision.exceeded} per min: Limit ${limit?.limit ?? 0}, Requested ${decision.exceeded === 'tokens' ? tokens : 1}. Please try again in ${waitS}s.`;
  sendError(scope, { status: 429, kind: 'rate_limited', message, limitType: decision.exceeded, retryAfterMs: decision.retryAfterMs });
  return true;
}
