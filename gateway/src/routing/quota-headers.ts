/**
 * Provider quota from OpenAI-style `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`
 * headers (reset as a Go duration: `20ms`, `1.5s`, `6m0s`, `1h2m3s`). Pure.
 */

export type UpstreamHeaderMap = Record<string, string | string[] | undefined>;

export interface QuotaDimension {
  limit: number | undefined;
  remaining: number;
  /** Time until the limit is back to full. */
  resetMs: number;
}

export interface QuotaSnapshot {
  requests?: QuotaDimension;
  tokens?: QuotaDimension;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration (`1m30.5s`, `250ms`) or a bare number of seconds; undefined if neither. */
export function parseResetDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    consumed = re.lastIndex;
  }
  return consumed === t.length && consumed > 0 ? Math.round(total) : undefined;
}

function header(h: UpstreamHeaderMap, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

const NAMES = {
  requests: { remaining: 'x-ratelimit-remaining-requests', reset: 'x-ratelimit-reset-requests', limit: 'x-ratelimit-limit-requests' },
  tokens: { remaining: 'x-ratelimit-remaining-tokens', reset: 'x-ratelimit-reset-tokens', limit: 'x-ratelimit-limit-tokens' },
} as const;

function dimension(h: UpstreamHeaderMap, kind: 'requests' | 'tokens'): QuotaDimension | undefined {
  const names = NAMES[kind];
  const remainingText = header(h, names.remaining);
  if (remainingText === undefined) return undefined;
  const remaining = Number(remainingText);
  const resetMs = parseResetDurationMs(header(h, names.reset));
  if (!Number.isFinite(remaining) || resetMs === undefined) return undefined;
  const limitText = header(h, names.limit);
  const limit = limitText === undefined ? undefined : Number(limitText);
  return { remaining, resetMs, limit: limit !== undefined && Number.isFinite(limit) && limit > 0 ? limit : undefined };
}

/** The quota an upstream answer reports, or undefined when it carries no such headers. */
export function readQuotaHeaders(h: UpstreamHeaderMap): QuotaSnapshot | undefined {
  const requests = dimension(h, 'requests');
  const tokens = dimension(h, 'tokens');
  return requests || tokens ? { requests, tokens } : undefined;
}

/**
 * How long until `need` more units are available once remaining ≤ `floor`. Limits refill
 * continuously (OpenAI's and the simulator's buckets), so with the limit known the wait is
 * the share of the reset time the missing units take; without it, the full reset time.
 */
export function waitForUnitsMs(d: QuotaDimension, floor: number, need = 1): number {
  const missing = floor + need - d.remaining;
  if (missing <= 0) return 0;
  if (d.limit === undefined || d.limit <= d.remaining) return d.resetMs;
  return Math.min(d.resetMs, Math.ceil((d.resetMs * missing) / (d.limit - d.remaining)));
}
