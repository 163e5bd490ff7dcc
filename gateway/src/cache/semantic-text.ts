import type { EmbedInput } from '../config/sections/cache.js';
import { lastUserIndex } from './cache-key.js';

/**
 * Text of a message's content, or undefined when it carries anything but text (an image or
 * audio part): two requests with the same words and different pictures are not paraphrases.
 */
export function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === null || content === undefined ? '' : undefined;
  const parts: string[] = [];
  for (const p of content) {
    const part = p as { type?: unknown; text?: unknown } | null;
    if (part?.type !== 'text' || typeof part.text !== 'string') return undefined;
    parts.push(part.text);
  }
  return parts.join('\n');
}

/**
 * What the semantic cache embeds for a request, or undefined when it cannot take part
 * (no user message, non-text content, nothing but whitespace). Cut to `maxChars`: the
 * start of a last message, the end of a conversation (its latest turns matter most).
 */
export function textToEmbed(messages: unknown, embed: EmbedInput, maxChars: number): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  const last = lastUserIndex(messages);
  if (last < 0) return undefined;
  let text: string;
  if (embed === 'last-user-message') {
    const t = contentText((messages[last] as { content?: unknown }).content);
    if (t === undefined) return undefined;
    text = t.slice(0, maxChars);
  } else {
    const lines: string[] = [];
    for (const m of messages as Array<{ role?: unknown; content?: unknown } | null>) {
      if (m?.role === 'system' || m?.role === 'developer') continue;
      const t = contentText(m?.content);
      if (t === undefined) return undefined;
      if (t !== '') lines.push(`${String(m?.role)}: ${t}`);
    }
    text = lines.join('\n');
    if (text.length > maxChars) text = text.slice(text.length - maxChars);
  }
  return text.trim() === '' ? undefined : text;
}
