import { estimateEmbeddingsInputTokens, estimateInputTokens, messagesTextBytes } from '../metering/count-tokens.js';
import type { RequestCtx } from '../pipeline/context.js';

/** A request's input tokens: a free upper bound, and the exact count (gpt-tokenizer) on demand. */
export interface InputCount {
  /** ≥ the exact count: a BPE token is at least one UTF-8 byte. */
  readonly upperBound: number;
  /** Counted with gpt-tokenizer (memoized). */
  exact(): number;
}

function lazy(upperBound: number, count: () => number): InputCount {
  let n: number | undefined;
  return { upperBound, exact: () => (n ??= Math.min(upperBound, count())) };
}

/**
 * Input tokens of a chat or embeddings body, as the metering layer estimates them (message
 * text and tool definitions, plus ~4 tokens of framing per message and 3 for the reply).
 * Counting costs tens of microseconds per KB, so callers hold the byte bound first and count
 * only when the bound does not fit; both stages share one count per request body (kept on
 * the request, not in a WeakMap keyed by the body: a WeakMap entry per request cost ~0.7 µs
 * with the scavenges it burdens).
 */
export function inputCountOf(ctx: RequestCtx): InputCount {
  const slot = ctx.inputCount;
  if (slot !== undefined && slot.body === ctx.body) return slot.count;
  const count = countInput(ctx.body, ctx.operation);
  ctx.inputCount = { body: ctx.body, count };
  return count;
}

function countInput(body: Record<string, unknown>, operation: 'chat' | 'embeddings'): InputCount {
  let c: InputCount;
  if (operation === 'embeddings') {
    const items = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? (body.input as unknown[]) : [];
    let upper = 0;
    for (const x of items) upper += typeof x === 'string' ? Buffer.byteLength(x) : Array.isArray(x) ? x.length : 1;
    c = lazy(upper, () => estimateEmbeddingsInputTokens(body));
  } else {
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const tools = Array.isArray(body.tools) ? JSON.stringify(body.tools) : '';
    const framing = 4 * messages.length + 3;
    // The exact count is the metering layer's own, so a charge and the usage stored for a
    // call that reported none are the same number.
    c = lazy(messagesTextBytes(messages) + Buffer.byteLength(tools) + framing, () => estimateInputTokens(body));
  }
  return c;
}
