import type { Block } from './content-blocks.js';
import { badField, isRecord } from '../../schemas/json-checks.js';

/**
 * A prompt-caching breakpoint carried by the canonical body (LiteLLM's convention): the
 * `cache_control` of a content part, tool, tool message or tool call is put, unchanged, on
 * the Anthropic block it becomes — `{ type: 'ephemeral' }` or with a `ttl`; Anthropic judges
 * the value (types and TTLs it adds later pass too). Returns `block`, for chaining.
 */
export function withCacheControl(block: Block, holder: Record<string, unknown>, holderPath: string): Block {
  const cacheControl = holder.cache_control;
  // OpenAI clients send `null` for "not set".
  if (cacheControl === undefined || cacheControl === null) return block;
  if (!isRecord(cacheControl)) throw badField(`${holderPath}.cache_control`, "must be an object such as { type: 'ephemeral' }");
  block.cache_control = cacheControl;
  return block;
}
