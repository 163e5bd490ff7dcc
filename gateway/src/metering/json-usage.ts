import type { Usage } from '../pipeline/context.js';
import { countTextTokens, estimateInputTokens } from './count-tokens.js';

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

/** Input tokens of an embeddings request: its strings counted, token arrays as they are. */
function embeddingsInputTokens(requestBody: Record<string, unknown>): number {
  const input = requestBody.input;
  const items = typeof input === 'string' ? [input] : Array.isArray(input) ? (input as unknown[]) : [];
  let n = 0;
  for (const x of items) n += typeof x === 'string' ? countTextTokens(x) : Array.isArray(x) ? x.length : 1;
  return n;
}

/**
 * Usage of a JSON answer that reported none (or garbage): counted with gpt-tokenizer and
 * marked estimated, the same counts budgets charge, so the span, `llm_calls` and the
 * charge agree. Streams get theirs from the stream meter.
 */
export function estimatedJsonUsage(endpoint: 'chat/completions' | 'embeddings', requestBody: Record<string, unknown>, responseBody: Record<string, unknown>): Usage {
  if (endpoint === 'embeddings') return { inputTokens: embeddingsInputTokens(requestBody), outputTokens: 0, cachedInputTokens: 0, estimated: true };
  return { inputTokens: estimateInputTokens(requestBody), outputTokens: countTextTokens(completionText(responseBody)), cachedInputTokens: 0, estimated: true };
}
