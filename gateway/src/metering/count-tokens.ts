import { countTokens } from 'gpt-tokenizer';

/**
 * Token counting for when the upstream reports no usage (and for budget reservations).
 * gpt-tokenizer's default encoding (o200k_base) is exact for current OpenAI models and a
 * close estimate for others; results are marked `estimated` wherever they are used.
 */
export function countTextTokens(text: string): number {
  return text === '' ? 0 : countTokens(text);
}

/** Concatenated text of chat messages (string content, text parts, tool call arguments). */
export function messagesText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  const parts: string[] = [];
  for (const m of messages) {
    if (m === null || typeof m !== 'object') continue;
    const msg = m as Record<string, unknown>;
    if (typeof msg.role === 'string') parts.push(msg.role);
    const content = msg.content;
    if (typeof content === 'string') parts.push(content);
    else if (Array.isArray(content)) {
      for (const p of content) {
        if (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string') parts.push((p as { text: string }).text);
      }
    }
    if (Array.isArray(msg.tool_calls)) {
      for (const tc of msg.tool_calls) {
        const fn = (tc as { function?: { name?: unknown; arguments?: unknown } })?.function;
        if (typeof fn?.name === 'string') parts.push(fn.name);
        if (typeof fn?.arguments === 'string') parts.push(fn.arguments);
      }
    }
  }
  return parts.join('\n');
}

/** Estimated input tokens of a chat request: message text plus ~4 tokens of framing per message. */
export function estimateInputTokens(body: Record<string, unknown>): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let tools = '';
  if (Array.isArray(body.tools)) tools = JSON.stringify(body.tools);
  return countTextTokens(messagesText(messages)) + countTextTokens(tools) + 4 * messages.length + 3;
}
