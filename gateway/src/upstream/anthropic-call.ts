import type { Readable } from 'node:stream';
import { GatewayError } from '../errors.js';
import { estimatedJsonUsage } from '../metering/json-usage.js';
import { meteredStreamOutcome } from '../metering/stream-meter.js';
import { usageFromOpenAi } from '../metering/usage.js';
import type { RequestCtx, Target } from '../pipeline/context.js';
import type { ChatChunk } from '../pipeline/outcome.js';
import { SseParser } from '../sse/parse.js';
import { messageToChatCompletion } from './anthropic/chat-completion.js';
import { ChatChunkTranslator } from './anthropic/chunk-stream.js';
import { classifyTransportError, scrubSecrets } from './classify-error.js';
import type { ProviderRuntime } from './provider-registry.js';
import { buildAnthropicRequest } from './request-builder.js';
import { type AttemptOptions, type AttemptResult, notAStream, readJsonAnswer, sendUpstreamRequest } from './send-request.js';

/**
 * One call to an upstream speaking Anthropic Messages, answered in the gateway's canonical
 * OpenAI shapes: the request is translated on the way out, the `message` or its SSE events
 * on the way back, so every stage after the call (metering, guardrails, cache, relay) is the
 * same as for any provider. Throws like `callOpenAiCompatible`.
 */
export async function callAnthropic(ctx: RequestCtx, provider: ProviderRuntime, target: Target, opts: AttemptOptions): Promise<AttemptResult> {
  const req = buildAnthropicRequest(ctx, provider, target, opts.credential, opts.traceHeaders);
  const droppedParams = req.dropped;
  const res = await sendUpstreamRequest(provider, req, opts);
  const { headers, secrets } = res;
  const created = Math.floor(Date.now() / 1000);
  if (ctx.stream) {
    if (!res.contentType.includes('text/event-stream')) throw notAStream(provider.name, res);
    const translator = new ChatChunkTranslator(provider.name, created, { scrub: (text) => scrubSecrets(text, secrets) });
    return { outcome: meteredStreamOutcome(ctx, readEvents(res.body, provider.name, translator), req.json), headers, droppedParams };
  }
  const { body: message } = await readJsonAnswer(provider, res);
  const body = messageToChatCompletion(message as Record<string, unknown>, created, provider.name);
  const totalMs = ctx.now() - ctx.receivedAtMs;
  return {
    outcome: { kind: 'json', status: 200, body, usage: usageFromOpenAi(body.usage) ?? estimatedJsonUsage('chat/completions', req.json, body), timing: { totalMs } },
    headers,
    droppedParams,
  };
}

/** SSE events → OpenAI chunks; throws when the stream breaks, carries garbage or ends before `message_stop`. */
async function* readEvents(body: Readable, provider: string, translator: ChatChunkTranslator): AsyncGenerator<ChatChunk> {
  const parser = new SseParser();
  try {
    for await (const buf of body) {
      // After message_stop, drain the transfer framing so the socket stays reusable.
      if (translator.finished) continue;
      for (const ev of parser.push(buf as Buffer)) yield* translator.push(ev.event, ev.data);
    }
    for (const ev of parser.end()) yield* translator.push(ev.event, ev.data);
  } catch (err) {
    throw classifyTransportError(provider, err, 'stream');
  }
  if (!translator.finished) {
    throw new GatewayError('GW_UPSTREAM_STREAM_BROKEN', `stream from provider ${provider} ended before message_stop`, { retryable: true, provider, clientCode: 'upstream_stream_broken' });
  }
}
