import { GatewayError } from '../errors.js';

/** Removes any of `secrets` (and long prefixes of them) from upstream-provided text. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 8) continue;
    out = out.split(s).join('[REDACTED]');
    // Providers echo masked keys like "sk-abc***xyz": drop any 6+ char prefix of the key too.
    const prefix = s.slice(0, 6);
    if (out.includes(prefix)) out = out.split(prefix).join('[REDACTED]');
  }
  return out;
}

/** Parses `Retry-After` (seconds or HTTP date) into ms. */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === '') return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, Math.round(secs * 1000));
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** How providers word a prompt over the context window (OpenAI-compatible servers; Anthropic's "prompt is too long"). */
const CONTEXT_OVERFLOW = /context length|context window|prompt is too long/i;

interface UpstreamErrorBody {
  message?: string;
  code?: string | null;
  type?: string;
  param?: string | null;
}

function readErrorBody(raw: string): UpstreamErrorBody {
  try {
    const parsed = JSON.parse(raw) as { error?: unknown; message?: unknown };
    const e = parsed.error;
    if (e && typeof e === 'object') return e as UpstreamErrorBody;
    if (typeof e === 'string') return { message: e };
    if (typeof parsed.message === 'string') return { message: parsed.message };
  } catch {
    /* not JSON: fall through */
  }
  return {};
}

/**
 * Turns an upstream non-2xx answer into the gateway's error: client faults (4xx the client
 * caused) pass through with the upstream's message; everything else is a 502/504 naming
 * the provider, never its key, and says whether another attempt may succeed.
 */
export function classifyUpstreamStatus(
  provider: string,
  status: number,
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
  secrets: readonly string[],
  nowMs: number,
): GatewayError {
  const body = readErrorBody(rawBody);
  const upstreamMessage = body.message ? scrubSecrets(String(body.message), secrets).slice(0, 500) : '';
  const retryAfterMs = parseRetryAfterMs(headers['retry-after'], nowMs);
  if (status === 429) {
    return new GatewayError('GW_UPSTREAM_ERROR', `provider ${provider} is rate limiting (429)${upstreamMessage ? `: ${upstreamMessage}` : ''}`, {
      status: 429, type: 'rate_limit_exceeded', clientCode: 'upstream_rate_limited', retryable: true, retryAfterMs, provider,
    });
  }
  if (status === 401 || status === 403) {
    // The gateway's own credential was refused: not the client's fault, and the upstream's
    // text may echo part of the key, so it is not passed on.
    return new GatewayError('GW_UPSTREAM_ERROR', `provider ${provider} refused the gateway's credentials (${status})`, {
      retryable: true, provider, clientCode: 'upstream_auth_failed',
    });
  }
  if (status === 400 && (body.code === 'context_length_exceeded' || CONTEXT_OVERFLOW.test(upstreamMessage))) {
    return new GatewayError('GW_CONTEXT_LENGTH_EXCEEDED', upstreamMessage || `request exceeds the context window of provider ${provider}`, {
      clientCode: 'context_length_exceeded', param: body.param ?? 'messages', provider,
    });
  }
  if (status === 404) {
    return new GatewayError('GW_UPSTREAM_ERROR', `provider ${provider} answered 404${upstreamMessage ? `: ${upstreamMessage}` : ''}`, {
      retryable: true, provider, clientCode: 'upstream_not_found',
    });
  }
  if (status >= 400 && status < 500 && status !== 408) {
    return new GatewayError('GW_BAD_REQUEST', upstreamMessage || `provider ${provider} rejected the request (${status})`, {
      status, type: body.type ?? 'invalid_request_error', clientCode: body.code ?? null, param: body.param ?? null, provider,
    });
  }
  const code = status === 504 || status === 408 ? 'GW_UPSTREAM_TIMEOUT' : 'GW_UPSTREAM_ERROR';
  return new GatewayError(code, `provider ${provider} failed with ${status}${upstreamMessage ? `: ${upstreamMessage}` : ''}`, {
    retryable: true, retryAfterMs, provider, clientCode: `upstream_${status}`,
  });
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Turns a transport failure (undici/socket error) into the gateway's error. */
export function classifyTransportError(provider: string, err: unknown, phase: 'connect' | 'stream'): GatewayError {
  if (err instanceof GatewayError) return err;
  const code = (err as { code?: string } | null)?.code ?? (err as { cause?: { code?: string } } | null)?.cause?.code;
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new GatewayError('GW_UPSTREAM_TIMEOUT', `provider ${provider} timed out (${code})`, { cause: err, retryable: true, provider, clientCode: 'upstream_timeout' });
  }
  if ((err as { name?: string } | null)?.name === 'TimeoutError') {
    return new GatewayError('GW_UPSTREAM_TIMEOUT', `provider ${provider} did not finish within its total timeout`, { cause: err, retryable: true, provider, clientCode: 'upstream_timeout' });
  }
  if (phase === 'stream') {
    return new GatewayError('GW_UPSTREAM_STREAM_BROKEN', `stream from provider ${provider} broke${code ? ` (${code})` : ''}`, { cause: err, retryable: true, provider, clientCode: 'upstream_stream_broken' });
  }
  return new GatewayError('GW_UPSTREAM_UNREACHABLE', `provider ${provider} is unreachable${code ? ` (${code})` : ''}`, { cause: err, retryable: true, provider, clientCode: 'upstream_unreachable' });
}
