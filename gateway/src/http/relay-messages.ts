import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { chatCompletionToMessage } from '../anthropic-front/message-response.js';
import { MessageStreamWriter } from '../anthropic-front/message-stream.js';
import { toGatewayError } from '../errors.js';
import type { JsonOutcome, StreamOutcome } from '../pipeline/outcome.js';
import { SSE_HEADERS } from '../sse/format.js';
import { anthropicErrorType } from './render-error.js';

/** Writes a JSON outcome as an Anthropic `message`. */
export function relayMessage(res: ServerResponse, out: JsonOutcome, headers: Record<string, string>, model: string): void {
  const payload = Buffer.from(JSON.stringify(chatCompletionToMessage(out.body, model)));
  res.writeHead(out.status, { ...headers, ...out.headers, 'content-type': 'application/json', 'content-length': payload.length });
  res.end(payload);
}

/**
 * Streams chunks as Anthropic Messages events (message_start … message_stop). A failure after
 * the first byte ends the stream with an `error` event, as Anthropic's API does, never with a
 * clean-looking message_stop.
 */
export async function relayMessageStream(res: ServerResponse, out: StreamOutcome, headers: Record<string, string>, model: string): Promise<void> {
  res.writeHead(200, { ...headers, ...out.headers, ...SSE_HEADERS });
  const writer = new MessageStreamWriter({ fallbackModel: model });
  try {
    for await (const chunk of out.chunks) {
      if (res.destroyed) continue;
      const text = writer.push(chunk);
      if (text !== '' && !res.write(text)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    if (!res.destroyed) res.end(writer.end());
  } catch (err) {
    const e = toGatewayError(err);
    if (!res.destroyed) res.end(writer.error(anthropicErrorType(e.status), e.message));
  }
}
