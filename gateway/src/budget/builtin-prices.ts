/**
 * List prices (USD per 1M tokens) of common OpenAI and Anthropic models, curated by hand
 * from the providers' pricing pages. They win over gpt-tokenizer's scraped metadata, which
 * lists several current models at stale prices (e.g. gpt-4o and gpt-5 at $10/$30) and omits
 * the mini/nano tiers. Every entry can be overridden in `budgets.pricing.models`.
 * Anthropic's cached input is the cache-read price (0.1× input), its cache writes the
 * 5-minute write price (1.25× input), and 1-hour writes (which its usage counts apart, in
 * `cache_creation`) 2× input.
 */
export interface UsdPrice {
  input: number;
  cachedInput?: number;
  /** Prompt-cache writes; default: the input price (OpenAI reports none). */
  cacheWriteInput?: number;
  /** Prompt-cache writes kept for one hour; default: `cacheWriteInput`. */
  cacheWrite1hInput?: number;
  output: number;
}

export const BUILTIN_PRICES_USD_PER_MTOK: Readonly<Record<string, UsdPrice>> = {
  // OpenAI
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'gpt-5-chat-latest': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-2024-05-13': { input: 5, output: 15 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'o1': { input: 15, cachedInput: 7.5, output: 60 },
  'o1-mini': { input: 1.1, cachedInput: 0.55, output: 4.4 },
  'o1-pro': { input: 150, output: 600 },
  'o3': { input: 2, cachedInput: 0.5, output: 8 },
  'o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4 },
  'o3-pro': { input: 20, output: 80 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-4': { input: 30, output: 60 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'text-embedding-ada-002': { input: 0.1, output: 0 },
  // Anthropic (names without the -YYYYMMDD snapshot suffix; lookups strip it)
  'claude-opus-4-5': { input: 5, cachedInput: 0.5, cacheWriteInput: 6.25, cacheWrite1hInput: 10, output: 25 },
  'claude-opus-4-1': { input: 15, cachedInput: 1.5, cacheWriteInput: 18.75, cacheWrite1hInput: 30, output: 75 },
  'claude-opus-4': { input: 15, cachedInput: 1.5, cacheWriteInput: 18.75, cacheWrite1hInput: 30, output: 75 },
  'claude-sonnet-4-5': { input: 3, cachedInput: 0.3, cacheWriteInput: 3.75, cacheWrite1hInput: 6, output: 15 },
  'claude-sonnet-4': { input: 3, cachedInput: 0.3, cacheWriteInput: 3.75, cacheWrite1hInput: 6, output: 15 },
  'claude-haiku-4-5': { input: 1, cachedInput: 0.1, cacheWriteInput: 1.25, cacheWrite1hInput: 2, output: 5 },
  'claude-3-7-sonnet': { input: 3, cachedInput: 0.3, cacheWriteInput: 3.75, cacheWrite1hInput: 6, output: 15 },
  'claude-3-5-sonnet': { input: 3, cachedInput: 0.3, cacheWriteInput: 3.75, cacheWrite1hInput: 6, output: 15 },
  'claude-3-5-haiku': { input: 0.8, cachedInput: 0.08, cacheWriteInput: 1, cacheWrite1hInput: 1.6, output: 4 },
  'claude-3-opus': { input: 15, cachedInput: 1.5, cacheWriteInput: 18.75, cacheWrite1hInput: 30, output: 75 },
  'claude-3-haiku': { input: 0.25, cachedInput: 0.03, cacheWriteInput: 0.3125, cacheWrite1hInput: 0.5, output: 1.25 },
};
