import type { ChatChunk, StreamOutcome } from '../pipeline/outcome.js';

/** Chunks held back at most while waiting for the first token (role-only preambles are short). */
const MAX_HELD_CHUNKS = 16;

/** True for a chunk that carries output the client would see: text, a tool call, or the end. */
export function isFirstTokenChunk(c: ChatChunk): boolean {
  for (const ch of c.choices ?? []) {
    const d = ch.delta;
    if (ch.finish_reason) return true;
    if (d && ((typeof d.content === 'string' && d.content !== '') || (Array.isArray(d.tool_calls) && d.tool_calls.length > 0))) return true;
    if (d && typeof d.refusal === 'string' && d.refusal !== '') return true;
  }
  return c.usage !== undefined && c.usage !== null;
}

/**
 * Pulls a stream up to its first token before the stream is handed on. Nothing has gone to
 * the client until this returns, so a failure here (connection cut after a role-only
 * preamble, a stall) may still fail over to another target; after it, a failure can only
 * end the client's stream with an error event. Throws what the upstream stream threw.
 */
export async function primeStream(out: StreamOutcome): Promise<StreamOutcome> {
  const it = out.chunks[Symbol.asyncIterator]();
  const held: Array<IteratorResult<ChatChunk>> = [];
  for (;;) {
    const r = await it.next();
    held.push(r);
    if (r.done || isFirstTokenChunk(r.value) || held.length >= MAX_HELD_CHUNKS) break;
  }
  const chunks: AsyncIterable<ChatChunk> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const r = held.shift();
        return r ? Promise.resolve(r) : it.next();
      },
      return: async (v?: unknown) => {
        held.length = 0;
        return it.return ? it.return(v) : { done: true as const, value: v as never };
      },
    }),
  };
  return { ...out, chunks };
}

/** Stops a primed stream that will not be relayed (a hedge that lost), so its upstream call ends. */
export async function discardStream(out: StreamOutcome): Promise<void> {
  const it = out.chunks[Symbol.asyncIterator]();
  await it.return?.().catch(() => undefined);
}
