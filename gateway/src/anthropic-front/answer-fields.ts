import { usageFromOpenAi } from '../metering/usage.js';
import { isRecord } from '../schemas/json-checks.js';

/**
 * The answer fields that the JSON (`message-response.ts`) and the streamed
 * (`message-stream.ts`) translations share, so both say the same thing.
 */

/** OpenAI finish_reason → Anthropic stop_reason. OpenAI does not say which stop sequence hit, so `stop` is always `end_turn`. */
const STOP_REASONS: Readonly<Record<string, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

/** Missing or unknown finish reasons read as a natural end: an Anthropic answer always has one. */
export const stopReasonOf = (finishReason: unknown): string =>
  (typeof finishReason === 'string' && Object.hasOwn(STOP_REASONS, finishReason) ? STOP_REASONS[finishReason] : 'end_turn');

/** The upstream id, with Anthropic's `msg_` prefix when it lacks one. */
export const messageIdOf = (id: unknown): string => {
  if (typeof id !== 'string' || id === '') return 'msg_unknown';
  return id.startsWith('msg_') ? id : `msg_${id}`;
};

export interface MessageUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** The cache writes by lifetime, as Anthropic reports them; null when the upstream did not say. */
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number } | null;
  output_tokens: number;
}

/**
 * Canonical usage → Anthropic usage. OpenAI's `prompt_tokens` counts all input; Anthropic
 * counts cache reads (`cached_tokens`) and cache writes (the `cache_creation_input_tokens`
 * extension an Anthropic provider reports; zero elsewhere) apart from `input_tokens`.
 * Missing or malformed usage → `inputTokensIfMissing` and zeros.
 */
export function messageUsage(raw: unknown, inputTokensIfMissing = 0): MessageUsage {
  const usage = usageFromOpenAi(raw);
  if (!usage) return { input_tokens: inputTokensIfMissing, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cache_creation: null, output_tokens: 0 };
  const uncached = usage.inputTokens - usage.cachedInputTokens;
  // Capped like cached_tokens: a part of the prompt, never more than what is left of it.
  const cacheWrites = Math.min(cacheWritesOf(raw), uncached);
  const hourWrites = Math.min(usage.cacheWrite1hInputTokens ?? 0, cacheWrites);
  const split = isRecord(raw) && isRecord(raw.cache_creation) && cacheWrites > 0;
  return {
    input_tokens: uncached - cacheWrites,
    cache_creation_input_tokens: cacheWrites,
    cache_read_input_tokens: usage.cachedInputTokens,
    cache_creation: split ? { ephemeral_5m_input_tokens: cacheWrites - hourWrites, ephemeral_1h_input_tokens: hourWrites } : null,
    output_tokens: usage.outputTokens,
  };
}

function cacheWritesOf(raw: unknown): number {
  const writes = isRecord(raw) ? raw.cache_creation_input_tokens : undefined;
  return typeof writes === 'number' && Number.isSafeInteger(writes) && writes > 0 ? writes : 0;
}
