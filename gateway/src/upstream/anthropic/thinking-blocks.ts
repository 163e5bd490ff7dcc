import type { Block } from './content-blocks.js';
import { badField, isRecord } from '../../schemas/json-checks.js';

/**
 * An assistant message's `thinking_blocks` (LiteLLM's convention) → the `thinking` and
 * `redacted_thinking` blocks Anthropic wants back at the start of that assistant turn, which
 * it requires in tool conversations with extended thinking. Each block goes out as the very
 * object the client sent: Anthropic checks the signature against the text, so neither may
 * change by a byte. Only the fields Anthropic cannot do without are checked here.
 *
 * Unsigned thinking (signature '') is left out: Sluice gives it to Anthropic clients for the
 * reasoning of providers that do not sign (DeepSeek, vLLM), and Anthropic refuses any thinking
 * it cannot verify, so resending it after a route change would fail the whole turn.
 */
export function thinkingBlocks(value: unknown, path: string): Block[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badField(path, 'must be an array of thinking and redacted_thinking blocks');
  return value.flatMap((block: unknown, j) => {
    // Paths are spelt out only for an error: history is resent whole on every call.
    if (!isRecord(block)) throw badField(`${path}.${j}`, 'must be a thinking or redacted_thinking block');
    if (block.type === 'thinking') {
      if (typeof block.thinking !== 'string') throw notAsSent(`${path}.${j}.thinking`);
      if (typeof block.signature !== 'string') throw notAsSent(`${path}.${j}.signature`);
      if (block.signature === '') return [];
    } else if (block.type === 'redacted_thinking') {
      if (typeof block.data !== 'string') throw notAsSent(`${path}.${j}.data`);
    } else {
      throw badField(`${path}.${j}.type`, `must be "thinking" or "redacted_thinking", got ${JSON.stringify(block.type) ?? 'none'}`);
    }
    return [block];
  });
}

const notAsSent = (path: string) => badField(path, 'must be a string, exactly as the provider sent it');
