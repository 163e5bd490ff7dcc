import type { Readable } from 'node:stream';
import { GatewayError } from '../errors.js';
import { estimatedJsonUsage } from '../metering/json-usage.js';
import { usageFromOpenAi } from '../metering/usage.js';
import { meteredStreamOutcome } from '../metering/stream-meter.js';
import type { RequestCtx, Target } from '../pipeline/context.js';
import type { ChatChunk } from '../pipeline/outcome.js';
import { SseParser } from '../sse/parse.js';
import { classifyTransportError, scrubSecrets } from './classify-error.js';
import type { ProviderRuntime } from './provider-registry.js';
import { buildOpenAiRequest } from './request-builder.js';
import { type AttemptOptions, type AttemptResult, notAStream, readJsonAnswer, sendUpstreamRequest } from './send-request.js';

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
  const res = await sendUpstreamRequest(provider, req, opts);
  const { headers, secrets } = res;
  const droppedParams = req.dropped;
  if (ctx.stream && endpoint === 'chat/completions') {
    if (!res.contentType.includes('text/event-stream')) throw notAStream(provider.name, res);
    return { outcome: meteredStreamOutcome(ctx, readChunks(res.body, provider.name, secrets), req.json), headers, droppedParams };
  }
  const { raw, body } = await readJsonAnswer(provider, res);
  if (!isAnswerOf(endpoint, body)) {
    const what = endpoint === 'embeddings' ? 'an embeddings list' : 'a chat completion';
    // Some servers report failures in a 2xx `{ error }` body: keep what they said (scrubbed).
    const said = (body as { error?: { message?: unknown } } | null)?.error?.message;
    const reason = typeof said === 'string' ? `: ${scrubSecrets(said, secrets).slice(0, 300)}` : '';
    throw new GatewayError('GW_UPSTREAM_BAD_RESPONSE', `provider ${provider.name} sent a ${res.status} answer that is not ${what}${reason}`, { retryable: true, provider: provider.name });
  }
  const totalMs = ctx.now() - ctx.receivedAtMs;
  return {
    outcome: { kind: 'json', status: 200, body, raw, usage: usageFromOpenAi(body.usage) ?? estimatedJsonUsage(endpoint, req.json, body), timing: { totalMs } },
    headers,
    droppedParams,
  };
}

/** A 2xx body the client can be given: an object with the endpoint's list (`choices`, `data`). */
function isAnswerOf(endpoint: 'chat/completions' | 'embeddings', body: unknown): body is Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  return Array.isArray((body as Record<string, unknown>)[endpoint === 'embeddings' ? 'data' : 'choices']);
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
