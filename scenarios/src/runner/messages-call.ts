import type { Dispatcher } from 'undici';
import type { SseEvent } from '../../../gateway/src/sse/parse.js';
import { messageToChatCompletion } from '../../../gateway/src/upstream/anthropic/chat-completion.js';
import { ChatChunkTranslator } from '../../../gateway/src/upstream/anthropic/chunk-stream.js';
import { chatToMessagesRequest } from '../../../gateway/src/upstream/anthropic/messages-request.js';
import { type ChunkFields, type CompletionFields, applyChatChunk, applyChatCompletion } from './chat-answer.js';
import { type LlmCallInput, type LlmCallResult, type LlmWire, exchangeLlmCall } from './llm-exchange.js';

/**
 * One call on the Anthropic Messages wire (`POST /v1/messages`), the way Anthropic's SDKs
 * send it. The run's conversation stays in OpenAI form: each call's body is translated with
 * the gateway's own translator for Anthropic providers, and the answer translated back — a
 * `message` to a `chat.completion`, each SSE event to `chat.completion.chunk`s — and read
 * exactly like an OpenAI answer (TTFT from the first content, usage, tool calls, finish).
 */

/** The API version the SDKs send unless told otherwise (a step's `headers` may set another). */
const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires `max_tokens`; a step without `maxTokens` asks for this many. */
const DEFAULT_MAX_TOKENS = 1024;
/** Names the answer's sender in the translators' error messages. */
const SENDER = 'gateway';

/** A stream event the translator refused: Anthropic's `error` event, or a malformed one. */
function streamFailure(ev: SseEvent, err: unknown): { type: string; message: string } {
  try {
    const payload = JSON.parse(ev.data) as { type?: unknown; error?: { type?: unknown; message?: unknown } };
    if (payload.type === 'error' || ev.event === 'error') {
      const type = typeof payload.error?.type === 'string' ? payload.error.type : 'unknown';
      return { type: `stream_error:${type}`, message: typeof payload.error?.message === 'string' ? payload.error.message : '' };
    }
  } catch {
    // Not JSON: malformed, below.
  }
  return { type: 'bad_response', message: (err as Error).message };
}

/** One per call: the translator follows the stream's blocks. */
function messagesWire(apiVersion: string): LlmWire {
  const translator = new ChatChunkTranslator(SENDER, 0, { scrub: (text) => text });
  return {
    encode(body) {
      const { body: messages } = chatToMessagesRequest(body, String(body.model), { defaultMaxTokens: DEFAULT_MAX_TOKENS, apiVersion });
      return JSON.stringify(messages);
    },
    event(acc, ev, nowMs) {
      let chunks;
      try {
        chunks = translator.push(ev.event, ev.data);
      } catch (err) {
        acc.error ??= streamFailure(ev, err);
        return;
      }
      // The translator's tool_calls are OpenAI's, typed loosely on its side.
      for (const chunk of chunks) applyChatChunk(acc, chunk as ChunkFields, nowMs);
      if (translator.finished) acc.done = true;
    },
    json(acc, text, nowMs) {
      let completion: Record<string, unknown>;
      try {
        completion = messageToChatCompletion(JSON.parse(text) as Record<string, unknown>, 0, SENDER);
      } catch (err) {
        acc.error ??= { type: 'bad_response', message: (err as Error).message };
        return;
      }
      applyChatCompletion(acc, completion as CompletionFields, nowMs);
    },
    endMarker: 'message_stop',
  };
}

/** Sends one call as Anthropic Messages and measures it. Never throws: failures come back as `ok: false`. */
export function callMessages(pool: Dispatcher, input: LlmCallInput, now: () => number): Promise<LlmCallResult> {
  const headers = { 'anthropic-version': ANTHROPIC_VERSION, ...input.headers };
  return exchangeLlmCall(pool, { ...input, headers }, messagesWire(headers['anthropic-version']), now);
}
