import type { LimitState, RateRefusal } from './rate-limiter.js';

/**
 * A duration the way OpenAI writes `x-ratelimit-reset-*`: `20ms`, `1s`, `1.5s`, `6m0s`, `1h2m3s`.
 */
export function formatResetDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = (total % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

/** The most constraining state per unit: least remaining, then latest reset. */
function tightest(states: readonly LimitState[], unit: LimitState['unit']): LimitState | undefined {
  let best: LimitState | undefined;
  for (const s of states) {
    if (s.unit !== unit) continue;
    if (!best || s.remaining < best.remaining || (s.remaining === best.remaining && s.resetMs > best.resetMs)) best = s;
  }
  return best;
}

/**
 * `x-ratelimit-*` headers as OpenAI sends them (clients and SDKs read these names); with
 * `anthropicAtMs` (the wall clock now), also Anthropic's `anthropic-ratelimit-*`, whose
 * resets are RFC 3339 instants, for clients of `/v1/messages`. Written into `into` (a new
 * object by default), which is returned.
 */
export function rateLimitHeaders(states: readonly LimitState[], anthropicAtMs?: number, into: Record<string, string> = {}): Record<string, string> {
  const h = into;
  // Literal names: these go on every limited answer, and built names would cost an allocation each.
  const r = tightest(states, 'requests');
  if (r) {
    h['x-ratelimit-limit-requests'] = String(r.limit);
    h['x-ratelimit-remaining-requests'] = String(r.remaining);
    h['x-ratelimit-reset-requests'] = formatResetDuration(r.resetMs);
    if (anthropicAtMs !== undefined) {
      h['anthropic-ratelimit-requests-limit'] = String(r.limit);
      h['anthropic-ratelimit-requests-remaining'] = String(r.remaining);
      h['anthropic-ratelimit-requests-reset'] = resetInstant(anthropicAtMs, r.resetMs);
    }
  }
  const t = tightest(states, 'tokens');
  if (t) {
    h['x-ratelimit-limit-tokens'] = String(t.limit);
    h['x-ratelimit-remaining-tokens'] = String(t.remaining);
    h['x-ratelimit-reset-tokens'] = formatResetDuration(t.resetMs);
    if (anthropicAtMs !== undefined) {
      h['anthropic-ratelimit-tokens-limit'] = String(t.limit);
      h['anthropic-ratelimit-tokens-remaining'] = String(t.remaining);
      h['anthropic-ratelimit-tokens-reset'] = resetInstant(anthropicAtMs, t.resetMs);
    }
  }
  return h;
}

const resetInstant = (nowMs: number, resetMs: number): string => new Date(nowMs + Math.max(0, Math.ceil(resetMs))).toISOString();

/** The refusal to report: one that can never pass, else the one that frees up last. */
export function worstRefusal(refusals: readonly RateRefusal[]): RateRefusal {
  return refusals.find((r) => r.retryAfterMs === undefined) ?? [...refusals].sort((a, b) => (b.retryAfterMs ?? 0) - (a.retryAfterMs ?? 0))[0];
}
