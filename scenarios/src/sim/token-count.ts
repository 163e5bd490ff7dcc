import { countTokens } from 'gpt-tokenizer';
import { hashString } from './random.js';

/**
 * Token counting with gpt-tokenizer (o200k_base), memoized: agents resend the same system
 * prompt and a growing history on every turn, so counting each distinct text once keeps the
 * simulator's per-request CPU near zero. The cache is a bounded LRU keyed by a 53-bit hash.
 */

const DEFAULT_MAX_ENTRIES = 10_000;

/** A bounded least-recently-used map (Map keeps insertion order; re-insert on hit). */
export class BoundedLru<K, V> {
  readonly #entries = new Map<K, V>();
  constructor(readonly maxEntries: number) {}

  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

const cache = new BoundedLru<number, number>(DEFAULT_MAX_ENTRIES);

/** Tokens in `text`, memoized by content hash. */
export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  const key = hashString(text);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const count = countTokens(text);
  cache.set(key, count);
  return count;
}

/** One prompt message reduced to what the model reads: its role and its text. */
export interface PromptMessage {
  readonly role: string;
  readonly text: string;
}

// OpenAI's published chat accounting: each message costs its role and content plus 3 framing
// tokens, and the reply is primed with 3 more.
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING_TOKENS = 3;

/** Prompt tokens for a conversation, plus the serialized tool definitions if any. */
export function countPromptTokens(messages: readonly PromptMessage[], toolsText = ''): number {
  let total = REPLY_PRIMING_TOKENS + countTextTokens(toolsText);
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(message.role) + countTextTokens(message.text);
  }
  return total;
}
