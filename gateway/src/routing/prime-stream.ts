import type { ChatChunk, StreamOutcome } from '../pipeline/outcome.js';

/**
 * Pulls a stream's first chunk before the stream is handed on. Until that chunk exists
 * nothing has gone to the client, so a failure here may still fail over to another target;
 * after it, a failure can only end the client's stream with an error event.
 */
export async function primeStream(out: StreamOutcome): Promise<StreamOutcome> {
  const it = out.chunks[Symbol.asyncIterator]();
  const first = await it.next();
  let pending: IteratorResult<ChatChunk> | undefined = first;
  const chunks: AsyncIterable<ChatChunk> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        if (pending) {
          const r = pending;
          pending = undefined;
          return Promise.resolve(r);
        }
        return it.next();
      },
      return: async (v?: unknown) => {
        pending = undefined;
        return it.return ? it.return(v) : { done: true as const, value: v as never };
      },
    }),
  };
  return { ...out, chunks };
}
