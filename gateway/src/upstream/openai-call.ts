import type { Readable } from 'node:stream';
import { GatewayError } from '../errors.js';
import { estimatedJsonUsage } from '../metering/json-usage.js';
import { usageFromOpenAi } from '../metering/usage.js';
import { meterStream } from '../metering/stream-meter.js';
import type { Cancellation } from '../pipeline/cancellation.js';
import type { RequestCtx, Target } from '../pipeline/context.js';
import type { ChatChunk, Outcome } from '../pipeline/outcome.js';
import { SseParser } from '../sse/parse.js';
import { classifyTransportError, classifyUpstreamStatus, scrubSecrets } from './classify-error.js';
import type { ProviderRuntime } from './provider-registry.js';
import { readBodyBounded } from './read-body.js';
import { buildOpenAiRequest } from './request-builder.js';

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
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * One call to an OpenAI-compatible upstream: JSON or SSE. Throws `GatewayError` (with
 * `retryable`) for refusals, timeouts and bad answers; a returned stream throws the same
 * from its iterator when it breaks, ends without `[DONE]`, or carries garbage.
 */
export async function callOpenAiCompatible(
  ctx: RequestCtx,
  provider: ProviderRuntime,
  target: Target,
  endpoint: 'chat/completions' | 'embeddings',
  opts: AttemptOptions,
): Promise<AttemptResult> {
  const req = buildOpenAiRequest(ctx, provider, target, endpoint, opts.credential, opts.traceHeaders);
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
  // Readers of the body get its errors through their own listeners. A body destroyed while
  // nobody reads it (refused answer, overflow, total timeout before a stream is read) emits
  // an 'error' too, which with no listener would take the whole process down.
  res.body.on('error', ignoreUnreadBodyError);
  // Secrets the upstream may echo back (its keys, a team's own credential): kept out of
  // the messages built from its answers.
  const secrets = opts.credential === undefined || provider.secrets.includes(opts.credential) ? provider.secrets : [...provider.secrets, opts.credential];
  limitTotalTime(res.body as unknown as Readable, t.totalMs - (Date.now() - startedMs), provider.name, t.totalMs);
  if (res.statusCode < 200 || res.statusCode >= 300) {
    let raw = '';
    try {
      raw = (await readBodyBounded(res.body as unknown as Readable, MAX_ERROR_BODY_BYTES, provider.name)).toString('utf8');
    } catch {
      res.body.destroy();
    }
    throw classifyUpstreamStatus(provider.name, res.statusCode, raw, headers, secrets, Date.now());
  }
  const contentType = String(headers['content-type'] ?? '');
  if (ctx.stream && endpoint === 'chat/completions') {
    if (!contentType.includes('text/event-stream')) {
      res.body.destroy();
      throw new GatewayError('GW_UPSTREAM_BAD_RESPONSE', `provider ${provider.name} answered a stream request with ${contentType || 'no content type'}`, { retryable: true, provider: provider.name });
    }
    const { chunks, summary } = meterStream(readChunks(res.body as unknown as Readable, provider.name, secrets), {
      now: ctx.now,
      receivedAtMs: ctx.receivedAtMs,
      requestBody: req.json,
      clientGone: () => ctx.cancel.aborted,
    });
    const clientWantsUsage = (ctx.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    return { outcome: { kind: 'stream', status: 200, chunks, summary, clientWantsUsage }, headers };
  }
  let raw: Buffer;
  try {
    raw = await readBodyBounded(res.body as unknown as Readable, provider.config.maxResponseBytes, provider.name);
  } catch (err) {
    throw classifyTransportError(provider.name, err, 'stream');
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new GatewayError('GW_UPSTREAM_BAD_RESPONSE', `provider ${provider.name} sent a response that is not JSON`, { cause: err, retryable: true, provider: provider.name });
  }
  if (!isAnswerOf(endpoint, body)) {
    const what = endpoint === 'embeddings' ? 'an embeddings list' : 'a chat completion';
    // Some servers report failures in a 2xx `{ error }` body: keep what they said (scrubbed).
    const said = (body as { error?: { message?: unknown } } | null)?.error?.message;
    const reason = typeof said === 'string' ? `: ${scrubSecrets(said, secrets).slice(0, 300)}` : '';
    throw new GatewayError('GW_UPSTREAM_BAD_RESPONSE', `provider ${provider.name} sent a ${res.statusCode} answer that is not ${what}${reason}`, { retryable: true, provider: provider.name });
  }
  const totalMs = ctx.now() - ctx.receivedAtMs;
  return {
    outcome: { kind: 'json', status: 200, body, raw, usage: usageFromOpenAi(body.usage) ?? estimatedJsonUsage(endpoint, req.json, body), timing: { totalMs } },
    headers,
  };
}

function ignoreUnreadBodyError(): void {}

/** A 2xx body the client can be given: an object with the endpoint's list (`choices`, `data`). */
function isAnswerOf(endpoint: 'chat/completions' | 'embeddings', body: unknown): body is Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  return Array.isArray((body as Record<string, unknown>)[endpoint === 'embeddings' ? 'data' : 'choices']);
}

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

/** SSE bytes → chunk objects; throws when the stream breaks, is malformed or ends early. */
async function* readChunks(body: Readable, provider: string, secrets: readonly string[]): AsyncGenerator<ChatChunk> {
  const parser = new SseParser();
  let done = false;
  try {
    for await (const buf of body) {
      if (done) continue; // drain the transfer framing after [DONE] so the socket stays reusable
      for (const ev of parser.push(buf as Buffer)) {
        if (ev.data === '[DONE]') {
          done = true;
          break;
        }
        yield parseChunk(ev.data, provider, secrets);
      }
    }
  } catch (err) {
    throw classifyTransportError(provider, err, 'stream');
  }
  if (!done) {
    for (const ev of parser.end()) if (ev.data === '[DONE]') done = true;
  }
  if (!done) {
    throw new GatewayError('GW_UPSTREAM_STREAM_BROKEN', `stream from provider ${provider} ended before [DONE]`, { retryable: true, provider, clientCode: 'upstream_stream_broken' });
  }
}

function parseChunk(data: string, provider: string, secrets: readonly string[]): ChatChunk {
  let obj: ChatChunk & { error?: { message?: string; type?: string } };
  try {
    obj = JSON.parse(data);
  } catch (err) {
    throw new GatewayError('GW_UPSTREAM_STREAM_BROKEN', `stream from provider ${provider} carried a malformed chunk`, { cause: err, retryable: true, provider, clientCode: 'upstream_malformed_chunk' });
  }
  if (obj && typeof obj === 'object' && obj.error) {
    const message = scrubSecrets(String(obj.error.message ?? 'unknown'), secrets);
    throw new GatewayError('GW_UPSTREAM_STREAM_BROKEN', `provider ${provider} reported an error mid-stream: ${message}`.slice(0, 500), { retryable: true, provider, clientCode: 'upstream_stream_error' });
  }
  if (!Array.isArray(obj.choices)) obj.choices = [];
  return obj;
}
