import { withCacheControl } from './cache-control.js';
import { chatMessagesFromTurns, systemContent } from './message-turns.js';
import { arrayAt, booleanAt, fieldPath, integerFrom, numberBetween, objectAt, onlyKeys, stringAt } from './request-checks.js';
import { type Json, badField } from '../schemas/json-checks.js';

/**
 * An Anthropic Messages request (`POST /v1/messages`) → the gateway's canonical OpenAI chat
 * body. Validates as Anthropic does and throws GW_BAD_REQUEST naming the field. Beyond the
 * one-to-one fields:
 *
 * - `top_k` is kept as `top_k`: vLLM, SGLang, llama.cpp and others accept it; OpenAI itself
 *   rejects unknown parameters, so a route to OpenAI proper fails on it (visibly, not silently).
 * - `thinking` is checked (enabled with a positive integer `budget_tokens`, adaptive, disabled,
 *   or between_tools, which SDK 1.14 defines; `display` as Anthropic allows it) and carried
 *   unchanged as the canonical `thinking` field (LiteLLM's convention), for an Anthropic
 *   provider to send on; OpenAI-compatible upstreams get it as any unknown field. Anthropic's
 *   own budget rules (at least 1024, below `max_tokens`) are left to Anthropic. Signed thinking
 *   in history and `cache_control` breakpoints travel as extension fields too
 *   (message-turns.ts); a tool's breakpoint stays on its canonical tool.
 * - `service_tier` ('auto' | 'standard_only') and top-level `cache_control` are accepted and
 *   ignored: both only steer Anthropic's own capacity and cache, and dropping them changes no
 *   answer.
 * - `container` and server tools (`tools[].type` other than 'custom') are refused: they are
 *   Anthropic-hosted tools no other upstream runs.
 * - Any other field is refused with Anthropic's own "Extra inputs are not permitted".
 */

const TOP_LEVEL_KEYS = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'stop_sequences',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'metadata',
  'stream',
  'service_tier',
  'cache_control',
  'thinking',
]);
// Lookups by client-given names are Maps, not object literals: `constructor` must not find Object's prototype.
const UNSUPPORTED_TOP_LEVEL: ReadonlyMap<string, string> = new Map([['container', "not supported by this gateway: containers belong to Anthropic's server tools"]]);
const METADATA_KEYS = new Set(['user_id']);
const TOOL_KEYS = new Set(['type', 'name', 'description', 'input_schema', 'cache_control', 'strict']);
const TOOL_CHOICE_KEYS: ReadonlyMap<unknown, ReadonlySet<string>> = new Map([
  ['auto', new Set(['type', 'disable_parallel_tool_use'])],
  ['any', new Set(['type', 'disable_parallel_tool_use'])],
  ['tool', new Set(['type', 'name', 'disable_parallel_tool_use'])],
  ['none', new Set(['type'])],
]);
const SERVICE_TIERS = new Set(['auto', 'standard_only']);
/** The keys of each `thinking` type, as Anthropic's API defines them. */
const THINKING_KEYS: ReadonlyMap<unknown, ReadonlySet<string>> = new Map([
  ['enabled', new Set(['type', 'budget_tokens', 'display'])],
  ['adaptive', new Set(['type', 'display'])],
  ['disabled', new Set(['type'])],
  ['between_tools', new Set(['type'])],
]);
const THINKING_DISPLAYS = new Set(['summarized', 'omitted']);

export function messagesToChatRequest(body: Record<string, unknown>): { chat: Record<string, unknown>; model: string; stream: boolean } {
  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL_KEYS.has(key)) throw badField(key, UNSUPPORTED_TOP_LEVEL.get(key) ?? 'Extra inputs are not permitted');
  }
  const model = stringAt(body.model, 'model');
  if (model === '') throw badField('model', 'must not be empty');
  if (body.max_tokens === undefined) throw badField('max_tokens', 'Field required');
  const maxTokens = integerFrom(body.max_tokens, 'max_tokens', 1);

  const messages = chatMessagesFromTurns(body.messages);
  if (body.system !== undefined) {
    const system = systemContent(body.system, 'system');
    if (system.length > 0) messages.unshift({ role: 'system', content: system });
  }

  const chat: Json = { model, messages, max_tokens: maxTokens };
  if (body.thinking !== undefined) chat.thinking = checkedThinking(body.thinking);
  if (body.stop_sequences !== undefined) {
    const stop = arrayAt(body.stop_sequences, 'stop_sequences').map((s, i) => stringAt(s, fieldPath('stop_sequences', i)));
    if (stop.length > 0) chat.stop = stop;
  }
  if (body.temperature !== undefined) chat.temperature = numberBetween(body.temperature, 'temperature', 0, 1);
  if (body.top_p !== undefined) chat.top_p = numberBetween(body.top_p, 'top_p', 0, 1);
  if (body.top_k !== undefined) chat.top_k = integerFrom(body.top_k, 'top_k', 0);
  if (body.metadata !== undefined) {
    const metadata = objectAt(body.metadata, 'metadata');
    onlyKeys(metadata, METADATA_KEYS, 'metadata');
    if (metadata.user_id !== undefined && metadata.user_id !== null) chat.user = stringAt(metadata.user_id, 'metadata.user_id');
  }
  if (body.tools !== undefined) {
    const tools = arrayAt(body.tools, 'tools').map(chatTool);
    if (tools.length > 0) chat.tools = tools;
  }
  if (body.tool_choice !== undefined) Object.assign(chat, chatToolChoice(body.tool_choice));
  if (body.service_tier !== undefined && (typeof body.service_tier !== 'string' || !SERVICE_TIERS.has(body.service_tier))) {
    throw badField('service_tier', "must be 'auto' or 'standard_only'");
  }
  const stream = body.stream === undefined ? false : booleanAt(body.stream, 'stream');
  if (stream) {
    chat.stream = true;
    // Usage arrives only when asked for; the Anthropic stream's message_delta needs it.
    chat.stream_options = { include_usage: true };
  }
  return { chat, model, stream };
}

function chatTool(value: unknown, i: number): Json {
  const path = fieldPath('tools', i);
  const tool = objectAt(value, path);
  // Checked before the keys: a server tool has other fields, and this is the message that helps.
  if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
    throw badField(fieldPath(path, 'type'), `server tool '${String(tool.type)}' is not supported by this gateway: only client tools (name, description, input_schema) reach an OpenAI-style upstream`);
  }
  onlyKeys(tool, TOOL_KEYS, path);
  const fn: Json = { name: stringAt(tool.name, fieldPath(path, 'name')) };
  if (tool.description !== undefined) fn.description = stringAt(tool.description, fieldPath(path, 'description'));
  fn.parameters = objectAt(tool.input_schema, fieldPath(path, 'input_schema'));
  if (tool.strict !== undefined) fn.strict = booleanAt(tool.strict, fieldPath(path, 'strict'));
  return withCacheControl({ type: 'function', function: fn }, tool, path);
}

/** Anthropic's `thinking` object, checked field by field and returned as it is. */
function checkedThinking(value: unknown): Json {
  const thinking = objectAt(value, 'thinking');
  const type = thinking.type;
  const keys = THINKING_KEYS.get(type);
  if (!keys) throw badField('thinking.type', "must be one of 'enabled', 'adaptive', 'disabled', 'between_tools'");
  onlyKeys(thinking, keys, 'thinking');
  if (type === 'enabled') {
    if (thinking.budget_tokens === undefined) throw badField('thinking.budget_tokens', 'Field required');
    integerFrom(thinking.budget_tokens, 'thinking.budget_tokens', 1);
  }
  const display = thinking.display;
  if (display !== undefined && display !== null && !(typeof display === 'string' && THINKING_DISPLAYS.has(display))) {
    throw badField('thinking.display', "must be 'summarized' or 'omitted'");
  }
  return thinking;
}

function chatToolChoice(value: unknown): Json {
  const choice = objectAt(value, 'tool_choice');
  const type = choice.type;
  const keys = TOOL_CHOICE_KEYS.get(type);
  if (!keys) throw badField('tool_choice.type', "must be one of 'auto', 'any', 'tool', 'none'");
  onlyKeys(choice, keys, 'tool_choice');
  const out: Json = {};
  if (type === 'auto') out.tool_choice = 'auto';
  else if (type === 'any') out.tool_choice = 'required';
  else if (type === 'none') out.tool_choice = 'none';
  else out.tool_choice = { type: 'function', function: { name: stringAt(choice.name, 'tool_choice.name') } };
  if (choice.disable_parallel_tool_use !== undefined && booleanAt(choice.disable_parallel_tool_use, 'tool_choice.disable_parallel_tool_use')) {
    out.parallel_tool_calls = false;
  }
  return out;
}
