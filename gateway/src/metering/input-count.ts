import { estimateEmbeddingsInputTokens, estimateInputTokens, messagesTextBytes } from './count-tokens.js';
import type { RequestCtx } from '../pipeline/context.js';

/** A request's input tokens: a free upper bound, and the exact count (gpt-tokenizer) on demand. */
export interface InputCount {
  /** ≥ the exact count: a BPE token is at least one UTF-8 byte. */
  readonly upperBound: number;
  /** Counted with gpt-tokenizer (memoized). */
  exact(): number;
  /** The body counted. */
  readonly body: object;
}

/** One object per request (a closure-based one took four). */
class LazyInputCount implements InputCount {
  #exact: number | undefined;

  constructor(
    readonly upperBound: number,
    readonly body: Record<string, unknown>,
    private readonly operation: 'chat' | 'embeddings',
  ) {}

  exact(): number {
    this.#exact ??= Math.min(this.upperBound, this.operation === 'embeddings' ? estimateEmbeddingsInputTokens(this.body) : estimateInputTokens(this.body));
    return this.#exact;
  }
}

/**
 * Input tokens of a chat or embeddings body, as the metering layer estimates them (message
 * text and tool definitions, plus ~4 tokens of framing per message and 3 for the reply).
 * Counting costs tens of microseconds per KB of text not counted before (`estimateInputTokens`
 * remembers an agent's resent history), so callers hold the byte bound first and count
 * only when the bound does not fit; budgets, rate limits and routing (context windows,
 * quotas, size rules, least cost) share one count per request body (kept on
 * the request, not in a WeakMap keyed by the body: a WeakMap entry per request cost ~0.7 µs
 * with the scavenges it burdens).
 */
export function inputCountOf(ctx: RequestCtx): InputCount {
  const last = ctx.inputCount;
  if (last !== undefined && last.body === ctx.body) return last;
  return (ctx.inputCount = countInput(ctx.body, ctx.operation));
}

function countInput(body: Record<string, unknown>, operation: 'chat' | 'embeddings'): InputCount {
  if (operation === 'embeddings') {
    const items = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? (body.input as unknown[]) : [];
    let upper = 0;
    for (const x of items) upper += typeof x === 'string' ? Buffer.byteLength(x) : Array.isArray(x) ? x.length : 1;
    return new LazyInputCount(upper, body, operation);
  }
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const tools = Array.isArray(body.tools) ? Buffer.byteLength(JSON.stringify(body.tools)) : 0;
  const framing = 4 * messages.length + 3;
  // The exact count is the metering layer's own, so a charge and the usage stored for a
  // call that reported none are the same number.
  return new LazyInputCount(messagesTextBytes(messages) + tools + framing, body, operation);
}
