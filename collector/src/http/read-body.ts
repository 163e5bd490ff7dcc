import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { CollectorError } from '../errors.js';
import { BodyOverflow, readBounded } from './read-bounded.js';

const gunzipAsync = promisify(gunzip);

/**
 * Reads a request body up to `maxBytes`, before and after gunzip. Over the limit it throws
 * `COL_BODY_TOO_LARGE` as soon as it knows (from `content-length`, or while reading) and
 * stops reading; the caller answers 413 and closes the connection. Gunzip runs off the
 * event loop with an output cap, so a zip bomb is refused, not inflated.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding !== 'gzip' && encoding !== 'identity') {
    throw new CollectorError('COL_UNSUPPORTED_MEDIA_TYPE', `unsupported content-encoding ${JSON.stringify(encoding)} (gzip or none)`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const raw = await readRaw(req, maxBytes);
  if (encoding === 'identity') return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: maxBytes, chunkSize: gunzipChunkBytes(raw, maxBytes) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw tooLarge(maxBytes);
    throw new CollectorError('COL_BAD_REQUEST', `body is not valid gzip: ${(err as Error).message}`, { cause: err });
  }
}

async function readRaw(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  try {
    return await readBounded(req, maxBytes, (s) => s.pause());
  } catch (err) {
    if (err instanceof BodyOverflow) throw tooLarge(maxBytes);
    throw new CollectorError('COL_BAD_REQUEST', `request body aborted: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * One output chunk for the whole body: gzip's trailer holds the inflated size (mod 2^32),
 * and with room for it zlib neither grows 16 KiB chunks nor concatenates them (~1/3 of
 * gunzip's time for a 2 MB export). The trailer is only a hint: a lie is bounded by 16 × the
 * compressed size and by `maxBytes`, and a wrong hint just means more chunks.
 */
function gunzipChunkBytes(raw: Buffer, maxBytes: number): number {
  const claimed = raw.length >= 18 ? raw.readUInt32LE(raw.length - 4) : 0;
  return Math.max(DEFAULT_CHUNK_BYTES, Math.min(claimed + 1, raw.length * 16, maxBytes + 1));
}

const DEFAULT_CHUNK_BYTES = 16 * 1024;

const tooLarge = (maxBytes: number): CollectorError =>
  new CollectorError('COL_BODY_TOO_LARGE', `request body exceeds ${maxBytes} bytes (after decompression)`);
