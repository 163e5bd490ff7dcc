import type { Readable } from 'node:stream';
import { GatewayError } from '../errors.js';
import type { Cancellation } from '../pipeline/cancellation.js';
import type { Outcome } from '../pipeline/outcome.js';
import { classifyTransportError, classifyUpstreamStatus } from './classify-error.js';
import type { ProviderRuntime } from './provider-registry.js';
import { readBodyBounded } from './read-body.js';
import type { UpstreamHttpRequest } from './request-builder.js';

export interface AttemptOptions {
  /** Aborts this attempt (client gone, hedging loser, deadline). undici takes either. */
  signal: AbortSignal | Cancellation;
  /** `traceparent`/`tracestate` of the attempt's CLIENT span. */
  traceHeaders: Record<string, string>;
  /** Credential to use (a team's own key, or the provider's next key). */
  credential: string | undefined;
}

/** Upstream response headers worth passing on or acting on (quota awareness). */
export type UpstreamHeaders = Record<string, string | string[] | undefined>;

export interface AttemptResult {
  outcome: Outcome;
  /** Upstream response headers (x-ratelimit-* for quota-aware routing). */
  headers: UpstreamHeaders;
  /** Request fields the upstream's API has no place for, left out (recorded on the attempt span). */
  droppedParams?: string[];
}

/** A 2xx upstream answer whose body is still to be read. */
export interface UpstreamResponse {
  status: number;
  headers: UpstreamHeaders;
  contentType: string;
  body: Readable;
  /** Secrets the upstream may echo back (its keys, a team's own credential), to scrub from its text. */
  secrets: readonly string[];
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Sends one request to a provider over its keep-alive pool, whatever its wire API: connect
 * and first-byte timeouts, the total timeout over the body, and a non-2xx answer turned into
 * the gateway's error (`classifyUpstreamStatus`). Returns the 2xx response with its body unread.
 */
export async function sendUpstreamRequest(provider: ProviderRuntime, req: UpstreamHttpRequest, opts: AttemptOptions): Promise<UpstreamResponse> {
  const t = provider.config.timeouts;
  const startedMs = Date.now();
  let res;
  try {
    res = await provider.pool.request({
      method: 'POST',
      path: req.path,
      headers: req.headers,
      body: req.body,
      signal: opts.signal,
      // Until the headers arrive the total timeout is the first-byte one (whichever is shorter).
      headersTimeout: Math.min(t.firstByteMs, t.totalMs),
      bodyTimeout: t.firstByteMs,
    });
  } catch (err) {
    throw classifyTransportError(provider.name, err, 'connect');
  }
  const headers = res.headers as UpstreamHeaders;
  const body = res.body as unknown as Readable;
  // Readers of the body get its errors through their own listeners. A body destroyed while
  // nobody reads it (refused answer, overflow, total timeout before a stream is read) emits
  // an 'error' too, which with no listener would take the whole process down.
  body.on('error', ignoreUnreadBodyError);
  const secrets = opts.credential === undefined || provider.secrets.includes(opts.credential) ? provider.secrets : [...provider.secrets, opts.credential];
  limitTotalTime(body, t.totalMs - (Date.now() - startedMs), provider.name, t.totalMs);
  if (res.statusCode < 200 || res.statusCode >= 300) {
    let raw = '';
    try {
      raw = (await readBodyBounded(body, MAX_ERROR_BODY_BYTES, provider.name)).toString('utf8');
    } catch {
      body.destroy();
    }
    throw classifyUpstreamStatus(provider.name, res.statusCode, raw, headers, secrets, Date.now());
  }
  return { status: res.statusCode, headers, contentType: String(headers['content-type'] ?? ''), body, secrets };
}

/** A stream request answered with something else: a retryable bad answer (the body is dropped). */
export function notAStream(provider: string, res: UpstreamResponse): GatewayError {
  res.body.destroy();
  return new GatewayError('GW_UPSTREAM_BAD_RESPONSE', `provider ${provider} answered a stream request with ${res.contentType || 'no content type'}`, { retryable: true, provider });
}

/** Reads a whole JSON answer, bounded by the provider's `maxResponseBytes`. */
export async function readJsonAnswer(provider: ProviderRuntime, res: UpstreamResponse): Promise<{ raw: Buffer; body: unknown }> {
  let raw: Buffer;
  try {
    raw = await readBodyBounded(res.body, provider.config.maxResponseBytes, provider.name);
  } catch (err) {
    throw classifyTransportError(provider.name, err, 'stream');
  }
  try {
    return { raw, body: JSON.parse(raw.toString('utf8')) as unknown };
  } catch (err) {
    throw new GatewayError('GW_UPSTREAM_BAD_RESPONSE', `provider ${provider.name} sent a response that is not JSON`, { cause: err, retryable: true, provider: provider.name });
  }
}

function ignoreUnreadBodyError(): void {}

/**
 * The provider's total timeout once the body is flowing: the body is destroyed with a
 * timeout error, which the reader of the body (JSON or stream) then throws. A timer per call,
 * cleared when the body closes; no extra AbortController on the hot path.
 */
function limitTotalTime(body: Readable, remainingMs: number, provider: string, totalMs: number): void {
  const timer = setTimeout(() => {
    body.destroy(new GatewayError('GW_UPSTREAM_TIMEOUT', `provider ${provider} did not finish within its total timeout of ${totalMs} ms`, { retryable: true, provider, clientCode: 'upstream_timeout' }));
  }, Math.max(0, remainingMs));
  body.once('close', () => clearTimeout(timer));
}
