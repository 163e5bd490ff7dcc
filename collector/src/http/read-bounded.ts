import type { Readable } from 'node:stream';

/** A body went past its limit; the caller's `onOverflow` has already dealt with the stream. */
export class BodyOverflow extends Error {
  constructor(readonly maxBytes: number) {
    super(`body exceeds ${maxBytes} bytes`);
    this.name = 'BodyOverflow';
  }
}

/**
 * Reads a whole stream into one buffer, refusing more than `maxBytes` as soon as it goes
 * past: the listeners come off, `onOverflow` decides what becomes of the rest (pause a
 * request so its 413 can still be sent, destroy an upstream body) and the promise rejects
 * with `BodyOverflow`. Rejects with the stream's error when it fails, and with a
 * premature-close error when it closes before its end. Listeners, not `for await`: the
 * async iterator costs more than the rest of this on the hot path. Shared by the gateway
 * (requests and upstream answers), the collector and the MCP front.
 */
export function readBounded(stream: Readable, maxBytes: number, onOverflow: (stream: Readable) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (stream.errored) return reject(stream.errored);
    if (stream.destroyed) return reject(prematureClose());
    const parts: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (err: unknown) => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (err !== undefined) reject(err);
      else resolve(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size));
    };
    const onData = (b: Buffer) => {
      size += b.length;
      if (size > maxBytes) {
        settle(new BodyOverflow(maxBytes));
        onOverflow(stream);
        return;
      }
      parts.push(b);
    };
    const onEnd = () => settle(undefined);
    const onError = (err: Error) => settle(err);
    const onClose = () => settle(stream.errored ?? prematureClose());
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

function prematureClose(): Error {
  return Object.assign(new Error('the stream closed before its end'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
