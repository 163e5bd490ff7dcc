import type { Readable } from 'node:stream';
import { GatewayError } from '../errors.js';

/** Reads a whole upstream body, refusing more than `maxBytes`. */
export async function readBodyBounded(body: Readable, maxBytes: number, provider: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > maxBytes) {
      body.destroy();
      throw new GatewayError('GW_UPSTREAM_BAD_RESPONSE', `response from provider ${provider} exceeds ${maxBytes} bytes`, { provider });
    }
    parts.push(b);
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
}
