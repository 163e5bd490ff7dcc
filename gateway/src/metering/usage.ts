import type { Usage } from '../pipeline/context.js';

/** Reads OpenAI `usage` (chat or embeddings); undefined when absent or malformed. */
export function usageFromOpenAi(raw: unknown): Usage | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const u = raw as Record<string, unknown>;
  const input = u.prompt_tokens;
  if (typeof input !== 'number') return undefined;
  const output = typeof u.completion_tokens === 'number' ? u.completion_tokens : 0;
  const details = u.prompt_tokens_details as { cached_tokens?: unknown } | null | undefined;
  const cached = typeof details?.cached_tokens === 'number' ? details.cached_tokens : 0;
  return { inputTokens: input, outputTokens: output, cachedInputTokens: cached, estimated: false };
}

/** TPOT per the issue: (total − TTFT) / (output tokens − 1); undefined when not measurable. */
export function timePerOutputTokenMs(totalMs: number, ttftMs: number | undefined, outputTokens: number): number | undefined {
  if (ttftMs === undefined || outputTokens < 2) return undefined;
  return (totalMs - ttftMs) / (outputTokens - 1);
}
