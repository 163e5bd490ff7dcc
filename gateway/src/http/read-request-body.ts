import type { IncomingMessage } from 'node:http';
import { BodyOverflow, readBounded } from '../../../collector/src/http/read-bounded.js';
import { GatewayError } from '../errors.js';

/**
 * Reads a request body up to `maxBytes`. A declared `content-length` over the limit is
 * refused before reading anything; a body that grows past it is refused as soon as it does
 * (the request is paused: the rest is not buffered, and the 413 can still be sent).
 */
export async function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = req.headers['content-encoding'];
  // Compressed bodies are not decoded (OpenAI's API takes none): say so instead of "not JSON".
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new GatewayError('GW_UNSUPPORTED_MEDIA_TYPE', `request bodies with content-encoding "${encoding.slice(0, 40)}" are not supported; send the JSON uncompressed`, { clientCode: 'unsupported_content_encoding' });
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  try {
    return await readBounded(req, maxBytes, (s) => s.pause());
  } catch (err) {
    if (err instanceof BodyOverflow) throw tooLarge(maxBytes);
    throw new GatewayError('GW_BAD_REQUEST', 'request body could not be read', { cause: err });
  }
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError('GW_BODY_TOO_LARGE', `request body exceeds the limit of ${maxBytes} bytes`, { clientCode: 'request_too_large' });
}
