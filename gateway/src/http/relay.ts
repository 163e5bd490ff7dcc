import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { toGatewayError } from '../errors.js';
import type { JsonOutcome, StreamOutcome } from '../pipeline/outcome.js';
import { SSE_DONE, SSE_HEADERS, sseData } from '../sse/format.js';
import { streamErrorPayload } from './render-error.js';

/** Writes a JSON outcome; the upstream bytes go out as they came when nothing changed them. */
export function relayJson(res: ServerResponse, out: JsonOutcome, headers: Record<string, string>): void {
  const payload = out.raw ?? Buffer.from(JSON.stringify(out.body));
  res.writeHead(out.status, { ...headers, ...out.headers, 'content-type': 'application/json', 'content-length': payload.length });
  res.end(payload);
}

/**
 * Streams chunks as SSE. A failure after the first byte ends the stream with a terminal
 * error event (never a clean-looking `[DONE]`). If the client goes away, iteration goes on
 * only until the aborted upstream call throws, so the meter still settles.
 */
export async function relayStream(res: ServerResponse, out: StreamOutcome, headers: Record<string, string>): Promise<void> {
  res.writeHead(200, { ...headers, ...out.headers, ...SSE_HEADERS });
  // No flushHeaders: the stream arrives primed to its first token, so the headers go out with it (one packet, not two).
  try {
    for await (const chunk of out.chunks) {
      if (res.destroyed) continue;
      if (!out.clientWantsUsage && chunk.choices.length === 0 && chunk.usage) continue;
      if (!out.clientWantsUsage && chunk.usage !== undefined) delete chunk.usage;
      if (!res.write(sseData(JSON.stringify(chunk)))) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    if (!res.destroyed) res.end(SSE_DONE);
  } catch (err) {
    if (!res.destroyed) res.end(sseData(streamErrorPayload(toGatewayError(err))));
  }
}
