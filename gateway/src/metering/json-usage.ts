import type { Usage } from '../pipeline/context.js';
import { countTextTokens, estimateEmbeddingsInputTokens, estimateInputTokens } from './count-tokens.js';

/** The generated text of a chat completion: message contents and tool calls, as counted for usage. */
export function completionText(body: Record<string, unknown>): string {
  let text = '';
  const choices = Array.isArray(body.choices) ? body.choices : [];
  for (const ch of choices as Array<{ message?: { content?: unknown; tool_calls?: unknown } }>) {
    if (typeof ch?.message?.content === 'string') text += ch.message.content;
    if (Array.isArray(ch?.message?.tool_calls)) text += JSON.stringify(ch.message.tool_calls);
  }
  return text;
}

/**
 * Usage of a JSON answer that reported none (or garbage): counted with gpt-tokenizer and
 * marked estimated, the same counts budgets charge, so the span, `llm_calls` and the
 * charge agree. Streams get theirs from the stream meter.
 */
export function estimatedJsonUsage(endpoint: 'chat/completions' | 'embeddings', requestBody: Record<string, unknown>, responseBody: Record<string, unknown>): Usage {
  if (endpoint === 'embeddings') return { inputTokens: estimateEmbeddingsInputTokens(requestBody), outputTokens: 0, cachedInputTokens: 0, estimated: true };
  return { inputTokens: estimateInputTokens(requestBody), outputTokens: countTextTokens(completionText(responseBody)), cachedInputTokens: 0, estimated: true };
}
