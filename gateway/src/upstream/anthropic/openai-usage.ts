import { isRecord } from '../../schemas/json-checks.js';

/** OpenAI `usage` as the gateway's metering reads it (`usageFromOpenAi`). */
export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
  /** Cache writes (an extension, LiteLLM's name): a part of `prompt_tokens`, billed above plain input. */
  cache_creation_input_tokens?: number;
  /** Anthropic's split of the cache writes by lifetime, under its own name (1-hour writes cost more). */
  cache_creation?: CacheCreation;
}

export interface CacheCreation {
  ephemeral_5m_input_tokens: number;
  ephemeral_1h_input_tokens: number;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Anthropic `usage` → OpenAI `usage`. Anthropic's `input_tokens` excludes cached input, so
 * OpenAI's `prompt_tokens` (all input) is input + cache reads + cache writes, and
 * `cached_tokens` the cache reads; the cache writes, which OpenAI has no word for, are
 * `cache_creation_input_tokens` besides, whenever Anthropic counted them (so an Anthropic
 * client can be told its input, reads and writes apart). Undefined when the counts are
 * missing or not counts, so the caller estimates instead of charging garbage.
 */
export function openAiUsageOf(usage: unknown): OpenAiUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = usage.input_tokens;
  const output = usage.output_tokens;
  if (!isCount(input) || !isCount(output)) return undefined;
  const cacheRead = isCount(usage.cache_read_input_tokens) ? usage.cache_read_input_tokens : 0;
  const cacheWrite = isCount(usage.cache_creation_input_tokens) ? usage.cache_creation_input_tokens : undefined;
  const prompt = input + cacheRead + (cacheWrite ?? 0);
  const out: OpenAiUsage = {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
  const details = usage.output_tokens_details;
  if (isRecord(details) && isCount(details.thinking_tokens)) out.completion_tokens_details = { reasoning_tokens: details.thinking_tokens };
  if (cacheWrite !== undefined) out.cache_creation_input_tokens = cacheWrite;
  const split = usage.cache_creation;
  if (isRecord(split) && (isCount(split.ephemeral_5m_input_tokens) || isCount(split.ephemeral_1h_input_tokens))) {
    out.cache_creation = {
      ephemeral_5m_input_tokens: isCount(split.ephemeral_5m_input_tokens) ? split.ephemeral_5m_input_tokens : 0,
      ephemeral_1h_input_tokens: isCount(split.ephemeral_1h_input_tokens) ? split.ephemeral_1h_input_tokens : 0,
    };
  }
  return out;
}
