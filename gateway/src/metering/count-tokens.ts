import { countTokens } from 'gpt-tokenizer';
import { TextMemo } from '../pipeline/text-memo.js';

/**
 * Token counting for when the upstream reports no usage (and for budget reservations).
 * gpt-tokenizer's default encoding (o200k_base) is exact for current OpenAI models and a
 * close estimate for others; results are marked `estimated` wherever they are used.
 */
export function countTextTokens(text: string): number {
  return text === '' ? 0 : countTokens(text);
}

/** Counts of request texts seen before, bounded (see `TextMemo`). */
const COUNT_MEMO_BYTES = 8 * 1024 * 1024;
const counts = new TextMemo<number>(COUNT_MEMO_BYTES, () => 8);
/** The memo's owner: the encoding the counts are of. */
const ENCODING = {};

/**
 * `countTextTokens` for a text of a request: an agent sends its system prompt, history and
 * tool definitions again on every step, so each is counted once (~23 µs per KB) and then
 * found in a memo.
 */
function countRequestText(text: string): number {
  const known = counts.get(ENCODING, text);
  if (known !== undefined) return known;
  const n = countTextTokens(text);
  counts.set(ENCODING, text, n);
  return n;
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

/**
 * Estimated input tokens of a chat request: the texts of `messagesText` counted one by one,
 * each newline between them as one token (so a text seen before is not counted again, and
 * the result never exceeds the UTF-8 length of `messagesText`), the tool definitions, and
 * ~4 tokens of framing per message and 3 for the reply.
 */
export function estimateInputTokens(body: Record<string, unknown>): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let tokens = 0;
  let texts = 0;
  eachMessageText(messages, (t) => {
    tokens += countRequestText(t);
    texts++;
  });
  const tools = Array.isArray(body.tools) ? countRequestText(JSON.stringify(body.tools)) : 0;
  return tokens + Math.max(0, texts - 1) + tools + 4 * messages.length + 3;
}
