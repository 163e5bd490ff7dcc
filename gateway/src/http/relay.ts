import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { type GatewayError, toGatewayError } from '../errors.js';
import type { ChatChunk, JsonOutcome, StreamOutcome } from '../pipeline/outcome.js';
import { SSE_DONE, SSE_HEADERS, sseData } from '../sse/format.js';
import { streamErrorPayload } from './render-error.js';

/** Writes a JSON outcome; the upstream bytes go out as they came when nothing changed them. */
export function relayJson(res: ServerResponse, out: JsonOutcome, headers: Record<string, string>): void {
  writeJson(res, out, headers, out.raw ?? Buffer.from(JSON.stringify(out.body)));
}

/**
 * Writes a JSON answer: `headers`, then the outcome's own, then the content headers. Merged
 * with `Object.assign`, not object spread: V8 (Node 20) spreads a key-by-key built object
 * through a slow path that cost microseconds per answer.
 */
export function writeJson(res: ServerResponse, out: JsonOutcome, headers: Record<string, string>, payload: Buffer): void {
  const h: Record<string, string | number> = Object.assign({}, headers, out.headers);
  h['content-type'] = 'application/json';
  h['content-length'] = payload.length;
  res.writeHead(out.status, h);
  res.end(payload);
}

/** How a stream's chunks are written in the client's API: the SSE text of each, of a good end, of a failure. */
export interface SseFramer {
  /** The frames of one chunk ('' when it shows the client nothing). */
  chunk(chunk: ChatChunk): string;
  end(): string;
  error(err: GatewayError): string;
}

/**
 * Streams chunks as SSE in `framer`'s API. A failure after the first byte ends the stream
 * with the framer's terminal error (never a clean-looking end). If the client goes away,
 * iteration goes on only until the aborted upstream call throws, so the meter still settles.
 */
export async function relaySse(res: ServerResponse, out: StreamOutcome, headers: Record<string, string>, framer: SseFramer): Promise<void> {
  res.writeHead(200, Object.assign({}, headers, out.headers, SSE_HEADERS));
  // No flushHeaders: the stream arrives primed to its first token, so the headers go out with it (one packet, not two).
  try {
    for await (const chunk of out.chunks) {
      if (res.destroyed) continue;
      const text = framer.chunk(chunk);
      if (text !== '' && !res.write(text)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    if (!res.destroyed) res.end(framer.end());
  } catch (err) {
    if (!res.destroyed) res.end(framer.error(toGatewayError(err)));
  }
}

/** Streams chunks as OpenAI's SSE: `data:` chunks, `[DONE]`, or a terminal error chunk. */
export function relayStream(res: ServerResponse, out: StreamOutcome, headers: Record<string, string>): Promise<void> {
  return relaySse(res, out, headers, openAiFramer(out.clientWantsUsage));
}

function openAiFramer(clientWantsUsage: boolean): SseFramer {
  return {
    chunk(chunk) {
      if (!clientWantsUsage && chunk.choices.length === 0 && chunk.usage) return '';
      if (!clientWantsUsage && chunk.usage !== undefined) delete chunk.usage;
      return sseData(JSON.stringify(chunk));
    },
    end: () => SSE_DONE,
    error: (err) => sseData(streamErrorPayload(err)),
  };
}
