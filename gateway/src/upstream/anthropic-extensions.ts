import { isRecord } from '../schemas/json-checks.js';

/**
 * The canonical body's Anthropic-only extension fields (LiteLLM's conventions): the `thinking`
 * parameter, signed `thinking_blocks` on assistant messages and `cache_control` breakpoints on
 * content parts, messages and tools. `/v1/messages` puts them there so an Anthropic provider
 * gets them back; an OpenAI-compatible upstream has no use for them and may refuse them.
 */
const MESSAGE_FIELDS = ['thinking_blocks', 'cache_control'] as const;

/**
 * A copy of `body` without the Anthropic-only extensions, and the names of those it held
 * (for the attempt span). Returns `body` itself when it held none; never changes it.
 */
export function withoutAnthropicExtensions(body: Record<string, unknown>): { body: Record<string, unknown>; dropped: string[] } {
  const dropped = new Set<string>();
  let out = body;
  if (body.thinking !== undefined) {
    out = { ...out };
    delete out.thinking;
    dropped.add('thinking');
  }
  const messages = stripEach(body.messages, (message) => stripMessage(message, dropped));
  if (messages !== body.messages) out = { ...out, messages };
  const tools = stripEach(body.tools, (tool) => stripKey(tool, 'cache_control', dropped, 'tools[].cache_control'));
  if (tools !== body.tools) out = { ...out, tools };
  return { body: out, dropped: [...dropped] };
}

/** `items` with `strip` applied, the same array when nothing changed. */
function stripEach(items: unknown, strip: (item: unknown) => unknown): unknown {
  if (!Array.isArray(items)) return items;
  let copy: unknown[] | undefined;
  items.forEach((item, i) => {
    const next = strip(item);
    if (next !== item) (copy ??= [...items])[i] = next;
  });
  return copy ?? items;
}

function stripMessage(message: unknown, dropped: Set<string>): unknown {
  if (!isRecord(message)) return message;
  let out = message;
  for (const field of MESSAGE_FIELDS) out = stripKey(out, field, dropped, `messages[].${field}`) as Record<string, unknown>;
  const content = stripEach(out.content, (part) => stripKey(part, 'cache_control', dropped, 'messages[].content[].cache_control'));
  const toolCalls = stripEach(out.tool_calls, (call) => stripKey(call, 'cache_control', dropped, 'messages[].tool_calls[].cache_control'));
  if (content !== out.content || toolCalls !== out.tool_calls) {
    out = { ...out, content };
    if (toolCalls !== undefined) out.tool_calls = toolCalls;
  }
  return out;
}

function stripKey(item: unknown, key: string, dropped: Set<string>, name: string): unknown {
  if (!isRecord(item) || item[key] === undefined) return item;
  const { [key]: _gone, ...rest } = item;
  dropped.add(name);
  return rest;
}
