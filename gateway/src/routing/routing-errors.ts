import { GatewayError } from '../errors.js';

/** A target passed over, and until when. */
export interface SkippedTarget {
  id: string;
  reason: string;
  untilMs?: number;
}

/** 503: every target of the group is ejected or out of quota; says when the first may return. */
export function noHealthyTarget(group: string, skipped: readonly SkippedTarget[], nowMs: number): GatewayError {
  const until = skipped.map((s) => s.untilMs).filter((u): u is number => u !== undefined && u > nowMs);
  const retryAfterMs = until.length > 0 ? Math.max(1, Math.ceil(Math.min(...until) - nowMs)) : undefined;
  const detail = skipped.map((s) => `${s.id} ${s.reason.replace(/_/g, ' ')}${s.untilMs !== undefined && s.untilMs > nowMs ? ` for ${Math.ceil(s.untilMs - nowMs)} ms` : ''}`).join('; ');
  const when = retryAfterMs !== undefined ? `; the first may return in ${retryAfterMs} ms` : '';
  return new GatewayError('GW_NO_HEALTHY_TARGET', `no healthy target for model group '${group}' (${detail || 'none usable'})${when}`, {
    retryAfterMs,
    clientCode: 'no_healthy_target',
  });
}

/** 504: the request's routing deadline ran out before an answer was ready. */
export function deadlineExceeded(group: string, deadlineMs: number, attempts: number, cause?: unknown): GatewayError {
  return new GatewayError('GW_DEADLINE_EXCEEDED', `no answer from model group '${group}' within the ${deadlineMs} ms deadline (${attempts} attempt${attempts === 1 ? '' : 's'})`, {
    cause,
    clientCode: 'deadline_exceeded',
  });
}

/** 400: the request (counted tokens + max output) is larger than the context window of every target. */
export function contextTooLarge(group: string, neededTokens: number, largestWindow: number): GatewayError {
  return new GatewayError(
    'GW_CONTEXT_LENGTH_EXCEEDED',
    `the request needs about ${neededTokens} tokens (input + max output), more than the largest context window in model group '${group}' (${largestWindow})`,
    { clientCode: 'context_length_exceeded', param: 'messages' },
  );
}
