import type { RetryOnKind } from '../config/sections/routing.js';
import type { GatewayError } from '../errors.js';

/** What a failed attempt says: a kind `retry.retryOn` can name, or one that is never retried. */
export type FailureKind = RetryOnKind | 'client' | 'context';

/**
 * Classifies an upstream failure by code and status (never by message). `context` is a
 * request too long for that target (fails over only to a larger window); `client` is
 * anything the client caused, never retried.
 */
export function failureKind(ge: GatewayError): FailureKind {
  if (ge.code === 'GW_CONTEXT_LENGTH_EXCEEDED') return 'context';
  if (!ge.retryable) return 'client';
  if (ge.status === 429) return 'rate-limited';
  switch (ge.code) {
    case 'GW_UPSTREAM_UNREACHABLE':
      return 'connect';
    case 'GW_UPSTREAM_TIMEOUT':
      return 'timeout';
    case 'GW_UPSTREAM_BAD_RESPONSE':
    case 'GW_UPSTREAM_STREAM_BROKEN':
      return 'bad-response';
    default:
      break;
  }
  if (ge.clientCode === 'upstream_auth_failed' || ge.clientCode === 'upstream_not_found') return 'upstream-refused';
  return 'server-error';
}

/** Kinds worth retrying on the same target (after backoff); the others only fail over. */
export function retriesSameTarget(kind: FailureKind): boolean {
  return kind === 'connect' || kind === 'timeout' || kind === 'rate-limited' || kind === 'server-error' || kind === 'bad-response';
}

/** Kinds that count against a target's health (breaker, error EWMA). */
export function countsAgainstTarget(kind: FailureKind): boolean {
  return kind !== 'client' && kind !== 'context' && kind !== 'rate-limited';
}
