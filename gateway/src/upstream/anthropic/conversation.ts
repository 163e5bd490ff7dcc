import { withCacheControl } from './cache-control.js';
import { contentBlocks, type Block } from './content-blocks.js';
import { thinkingBlocks } from './thinking-blocks.js';
import { badField, isRecord } from '../../schemas/json-checks.js';

/**
 * OpenAI chat messages → Anthropic `system` and `messages`.
 *
 * - system and developer messages, wherever they stand, become the `system` prompt, in order
 *   (Anthropic has no mid-conversation system turns);
 * - tool messages become `tool_result` blocks of a user turn;
 * - consecutive messages of the same Anthropic role are merged into one turn, since Anthropic
 *   requires user and assistant turns to alternate (parallel tool results, a user message
 *   after tool results, two user messages in a row);
 * - within a user turn, tool results go first, as Anthropic requires;
 * - an assistant message's `thinking_blocks` (signed thinking, redacted thinking) go,
 *   unchanged (thinking-blocks.ts), before its text and tool calls, and within a merged
 *   assistant turn before every other block: Anthropic wants the turn to start with them;
 * - `cache_control` stays where it was put: on content parts, tool messages (→ their
 *   `tool_result` block) and tool calls (→ their `tool_use` block); a lone text block that
 *   carries one stays a block instead of becoming a plain string;
 * - a message left with no content at all (an empty string) is left out;
 * - `name` on messages and `reasoning_content` on assistant messages are dropped: Anthropic
 *   has no per-message names, and takes thinking back only as the signed blocks
 *   `thinking_blocks` carries (unsigned text it would refuse).
 */

export interface Conversation {
  system: string | Block[] | undefined;
  messages: Array<{ role: 'user' | 'assistant'; content: string | Block[] }>;
}

interface Turn {
  role: 'user' | 'assistant';
  blocks: Block[];
  /** Made of several messages: only then may blocks that must lead it stand behind others. */
  merged: boolean;
}

export function translateConversation(messages: unknown): Conversation {
  if (!Array.isArray(messages)) throw badField('messages', 'must be an array');
  const system: Block[] = [];
  const turns: Turn[] = [];
  const add = (role: Turn['role'], blocks: Block[]): void => {
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last !== undefined && last.role === role) {
      for (const block of blocks) last.blocks.push(block);
      last.merged = true;
    } else turns.push({ role, blocks, merged: false });
  };
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    const path = `messages.${i}`;
    if (!isRecord(message)) throw badField(path, 'must be a message object');
    switch (message.role) {
      case 'system':
      case 'developer':
        for (const block of contentBlocks(message.content, `${path}.content`, 'text')) system.push(block);
        break;
      case 'user':
        add('user', contentBlocks(message.content, `${path}.content`, 'media'));
        break;
      case 'assistant':
        add('assistant', assistantBlocks(message, path));
        break;
      case 'tool':
        add('user', [toolResultBlock(message, path)]);
        break;
      case 'function':
        throw badField(`${path}.role`, 'legacy function messages are not supported by the anthropic provider adapter; send tool messages');
      default:
        throw badField(`${path}.role`, `must be one of system, developer, user, assistant, tool; got ${JSON.stringify(message.role) ?? 'none'}`);
    }
  }
  return {
    system: system.length === 0 ? undefined : contentOf(system),
    messages: turns.map(({ role, blocks, merged }) => ({ role, content: contentOf(merged ? leading(blocks, role === 'user' ? isToolResult : isThinking) : blocks) })),
  };
}

/** A lone text block as a plain string: the same to Anthropic, and how people write it, unless it carries a cache breakpoint. */
function contentOf(blocks: Block[]): string | Block[] {
  const only = blocks.length === 1 ? blocks[0] : undefined;
  return only !== undefined && only.type === 'text' && only.cache_control === undefined ? (only.text as string) : blocks;
}

function assistantBlocks(message: Record<string, unknown>, path: string): Block[] {
  if (message.function_call !== undefined && message.function_call !== null) {
    throw badField(`${path}.function_call`, 'legacy function calls are not supported by the anthropic provider adapter; send tool_calls');
  }
  const thinking = thinkingBlocks(message.thinking_blocks, `${path}.thinking_blocks`);
  const content = contentBlocks(message.content, `${path}.content`, 'assistant');
  const blocks = thinking.length === 0 ? content : [...thinking, ...content];
  const calls = message.tool_calls;
  if (calls === undefined || calls === null) return blocks;
  if (!Array.isArray(calls)) throw badField(`${path}.tool_calls`, 'must be an array');
  for (let j = 0; j < calls.length; j++) blocks.push(toolUseBlock(calls[j], `${path}.tool_calls.${j}`));
  return blocks;
}

/** OpenAI tool call → `tool_use` block; its arguments (a JSON string) become the `input` object. */
function toolUseBlock(call: unknown, path: string): Block {
  if (!isRecord(call)) throw badField(path, 'must be a tool call object');
  if (call.type !== undefined && call.type !== 'function') {
    throw badField(`${path}.type`, `${JSON.stringify(call.type)} tool calls are not supported by the anthropic provider adapter (function calls are)`);
  }
  if (typeof call.id !== 'string' || call.id === '') throw badField(`${path}.id`, 'must be a non-empty string');
  const fn = call.function;
  if (!isRecord(fn)) throw badField(`${path}.function`, 'must be an object');
  if (typeof fn.name !== 'string' || fn.name === '') throw badField(`${path}.function.name`, 'must be a non-empty string');
  return withCacheControl({ type: 'tool_use', id: call.id, name: fn.name, input: toolInput(fn.arguments, `${path}.function.arguments`) }, call, path);
}

function toolInput(args: unknown, path: string): Record<string, unknown> {
  // A call to a tool without parameters reaches some clients with no argument text at all.
  if (args === undefined || args === null || (typeof args === 'string' && args.trim() === '')) return {};
  if (typeof args !== 'string') throw badField(path, 'must be a string of JSON');
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw badField(path, 'must be a JSON object (Anthropic tool inputs are objects), got text that is not JSON');
  }
  if (!isRecord(parsed)) {
    const got = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`;
    throw badField(path, `must be a JSON object (Anthropic tool inputs are objects), got ${got}`);
  }
  return parsed;
}

function toolResultBlock(message: Record<string, unknown>, path: string): Block {
  const id = message.tool_call_id;
  if (typeof id !== 'string' || id === '') throw badField(`${path}.tool_call_id`, 'must be a non-empty string');
  const block: Block = { type: 'tool_result', tool_use_id: id };
  const content = typeof message.content === 'string' ? message.content : contentBlocks(message.content, `${path}.content`, 'media');
  // A tool that answered nothing: the result block without content, which Anthropic accepts.
  if (content.length > 0) block.content = content;
  return withCacheControl(block, message, path);
}

const isToolResult = (b: Block): boolean => b.type === 'tool_result';
const isThinking = (b: Block): boolean => b.type === 'thinking' || b.type === 'redacted_thinking';

/**
 * `blocks` with those that must lead their turn moved first, each group in its order.
 * Anthropic wants a user turn's tool results before anything else in it (a user message sent
 * between the tool calls and their results, or merged after them, would otherwise come
 * first), and an assistant turn's thinking before its text and tool use (two assistant
 * messages merged, the second one carrying the thinking).
 */
function leading(blocks: Block[], leads: (b: Block) => boolean): Block[] {
  const firstOther = blocks.findIndex((b) => !leads(b));
  if (firstOther === -1 || !blocks.some((b, k) => k > firstOther && leads(b))) return blocks;
  return [...blocks.filter(leads), ...blocks.filter((b) => !leads(b))];
}
