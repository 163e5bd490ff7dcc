import type { Dispatcher } from 'undici';
import { type ChatAnswer, type ChunkFields, type CompletionFields, applyChatChunk, applyChatCompletion } from './chat-answer.js';
import { type LlmCallInput, type LlmCallResult, type LlmWire, exchangeLlmCall } from './llm-exchange.js';

/**
 * One chat-completions call on the OpenAI wire, the way the official SDK sends it: the body as
 * it is, streams as `data:` chunks ended by `[DONE]`, a failure mid-stream as a chunk carrying
 * `error`.
 */

function applyData(acc: ChatAnswer, data: string, nowMs: number): void {
  if (data === '[DONE]') {
    acc.done = true;
    return;
  }
  let chunk: ChunkFields & { error?: { code?: string; type?: string; message?: string } };
  try {
    chunk = JSON.parse(data);
  } catch {
    acc.error ??= { type: 'bad_response', message: 'unparseable stream chunk' };
    return;
  }
  if (chunk.error) {
    acc.error ??= { type: `stream_error:${chunk.error.code ?? chunk.error.type ?? 'unknown'}`, message: chunk.error.message ?? '' };
    return;
  }
  applyChatChunk(acc, chunk, nowMs);
}

const openAiWire: LlmWire = {
  encode: (body) => JSON.stringify(body),
  event: (acc, ev, nowMs) => applyData(acc, ev.data, nowMs),
  json: (acc, text, nowMs) => applyChatCompletion(acc, JSON.parse(text) as CompletionFields, nowMs),
  endMarker: '[DONE]',
};

/** Sends one chat call and measures it. Never throws: failures come back as `ok: false`. */
export function callChat(pool: Dispatcher, input: LlmCallInput, now: () => number): Promise<LlmCallResult> {
  return exchangeLlmCall(pool, input, openAiWire, now);
}
