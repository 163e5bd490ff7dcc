import { countTokens } from 'gpt-tokenizer';

/**
 * Token counting for when the upstream reports no usage (and for budget reservations).
 * gpt-tokenizer's default encoding (o200k_base) is exact for current OpenAI models and a
 * close estimate for others; results are marked `estimated` wherever they are used.
 */
export function countTextTokens(text: string): number {
  return text === '' ? 0 : countTokens(text);
}

/** Calls `visit` with each text of chat messages, in order (role, string content, text parts, tool call names and arguments). */
function eachMessageText(messages: unknown, visit: (text: string) => void): void {
  if (!Array.isArray(messages)) return;
  for (const m of messages) {
    if (m === null || typeof m !== 'object') continue;
    const msg = m as Record<string, unknown>;
    if (typeof msg.role === 'string') visit(msg.role);
    const content = msg.content;
    if (typeof content === 'string') visit(content);
    else if (Array.isArray(content)) {
      for (const p of content) {
        if (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string') visit((p as { text: string }).text);
      }
    }
    if (Array.isArray(msg.tool_calls)) {
      for (const tc of msg.tool_calls) {
        const fn = (tc as { function?: { name?: unknown; arguments?: unknown } })?.function;
        if (typeof fn?.name === 'string') visit(fn.name);
        if (typeof fn?.arguments === 'string') visit(fn.arguments);
      }
    }
  }
}

/** Concatenated text of chat messages (string content, text parts, tool call arguments), newline-joined. */
export function messagesText(messages: unknown): string {
  const parts: string[] = [];
  eachMessageText(messages, (t) => parts.push(t));
  return parts.join('\n');
}

/** UTF-8 length of `messagesText(messages)`, without building it. */
export function messagesTextBytes(messages: unknown): number {
  let bytes = 0;
  let n = 0;
  eachMessageText(messages, (t) => {
    bytes += Buffer.byteLength(t);
    n++;
  });
  return bytes + Math.max(0, n - 1);
}

/** Estimated input tokens of an embeddings request: its strings counted, token arrays as they are. */
export function estimateEmbeddingsInputTokens(body: Record<string, unknown>): number {
  const input = body.input;
  const items = typeof input === 'string' ? [input] : Array.isArray(input) ? (input as unknown[]) : [];
  let n = 0;
  for (const x of items) n += typeof x === 'string' ? countTextTokens(x) : Array.isArray(x) ? x.length : 1;
  return n;
}

/** Estimated input tokens of a chat request: message text plus ~4 tokens of framing per message. */
export function estimateInputTokens(body: Record<string, unknown>): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let tools = '';
  if (Array.isArray(body.tools)) tools = JSON.stringify(body.tools);
  return countTextTokens(messagesText(messages)) + countTextTokens(tools) + 4 * messages.length + 3;
}
