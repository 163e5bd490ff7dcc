import type { Usage } from '../pipeline/context.js';

/** A token count as upstreams report it: a non-negative whole number. */
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Reads OpenAI `usage` (chat or embeddings); undefined when absent or malformed (negative,
 * fractional or non-numeric counts), so the caller counts the tokens itself instead of
 * charging or storing garbage.
 */
export function usageFromOpenAi(raw: unknown): Usage | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const u = raw as Record<string, unknown>;
  const input = u.prompt_tokens;
  if (!isCount(input)) return undefined;
  // Embeddings report no completion tokens; a chat answer's must be a count if present.
  const output = u.completion_tokens === undefined || u.completion_tokens === null ? 0 : u.completion_tokens;
  if (!isCount(output)) return undefined;
  const details = u.prompt_tokens_details as { cached_tokens?: unknown } | null | undefined;
  const cached = isCount(details?.cached_tokens) ? Math.min(details.cached_tokens, input) : 0;
  const usage: Usage = { inputTokens: input, outputTokens: output, cachedInputTokens: cached, estimated: false };
  // Anthropic's cache writes, carried by the canonical form as LiteLLM does.
  const written = u.cache_creation_input_tokens;
  if (isCount(written) && written > 0) {
    usage.cacheWriteInputTokens = Math.min(written, input - cached);
    // And how many of them were 1-hour writes, under Anthropic's own name.
    const hour = (u.cache_creation as { ephemeral_1h_input_tokens?: unknown } | null | undefined)?.ephemeral_1h_input_tokens;
    if (isCount(hour) && hour > 0) usage.cacheWrite1hInputTokens = Math.min(hour, usage.cacheWriteInputTokens);
  }
  return usage;
}

/** TPOT per the issue: (total − TTFT) / (output tokens − 1); undefined when not measurable. */
export function timePerOutputTokenMs(totalMs: number, ttftMs: number | undefined, outputTokens: number): number | undefined {
  if (ttftMs === undefined || outputTokens < 2) return undefined;
  return (totalMs - ttftMs) / (outputTokens - 1);
}
