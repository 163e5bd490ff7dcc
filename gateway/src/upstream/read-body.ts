import type { Readable } from 'node:stream';
import { BodyOverflow, readBounded } from '../../../collector/src/http/read-bounded.js';
import { GatewayError } from '../errors.js';

/**
 * Reads a whole upstream body, refusing more than `maxBytes` (the body is destroyed). Rejects
 * with the stream's error when it fails (a total timeout destroys it with one), or with a
 * premature-close error when it closes before its end.
 */
export async function readBodyBounded(body: Readable, maxBytes: number, provider: string): Promise<Buffer> {
  try {
    return await readBounded(body, maxBytes, (s) => s.destroy());
  } catch (err) {
    if (err instanceof BodyOverflow) throw new GatewayError('GW_UPSTREAM_BAD_RESPONSE', `response from provider ${provider} exceeds ${maxBytes} bytes`, { provider });
    throw err;
  }
}
