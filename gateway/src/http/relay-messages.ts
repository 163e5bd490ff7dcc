import type { ServerResponse } from 'node:http';
import { chatCompletionToMessage } from '../anthropic-front/message-response.js';
import { MessageStreamWriter } from '../anthropic-front/message-stream.js';
import type { JsonOutcome, StreamOutcome } from '../pipeline/outcome.js';
import { relaySse, writeJson } from './relay.js';
import { anthropicErrorType } from './render-error.js';

/** Writes a JSON outcome as an Anthropic `message`. */
export function relayMessage(res: ServerResponse, out: JsonOutcome, headers: Record<string, string>, model: string): void {
  writeJson(res, out, headers, Buffer.from(JSON.stringify(chatCompletionToMessage(out.body, model))));
}

/**
 * Streams chunks as Anthropic Messages events (message_start … message_stop). A failure after
 * the first byte ends the stream with an `error` event, as Anthropic's API does, never with a
 * clean-looking message_stop.
 */
export function relayMessageStream(res: ServerResponse, out: StreamOutcome, headers: Record<string, string>, model: string): Promise<void> {
  const writer = new MessageStreamWriter({ fallbackModel: model });
  return relaySse(res, out, headers, {
    chunk: (chunk) => writer.push(chunk),
    end: () => writer.end(),
    error: (err) => writer.error(anthropicErrorType(err.status), err.message),
  });
}
