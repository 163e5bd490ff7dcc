import { withCacheControl } from './cache-control.js';
import type { Block } from './content-blocks.js';
import { translateConversation } from './conversation.js';
import { badField, isRecord } from '../../schemas/json-checks.js';

/**
 * The canonical OpenAI chat body → an Anthropic Messages body, for providers of kind
 * `anthropic`. Pure. Field by field:
 *
 * - `model` → the target's upstream model; `messages` → `system` + alternating turns (conversation.ts),
 *   with the assistant messages' signed `thinking_blocks` back in their turns and every
 *   `cache_control` breakpoint on the block its part, tool message or tool call became.
 * - `max_completion_tokens` ?? `max_tokens` ?? the provider's default → `max_tokens` (required by Anthropic).
 * - `stop` (string or list) → `stop_sequences`.
 * - `temperature`, `top_p`, `top_k` → as they are, under API versions before 2026-10-21.
 *   OpenAI allows temperatures up to 2, Anthropic up to 1: a higher one is sent anyway and
 *   Anthropic's 400 is relayed, rather than silently answering at another temperature than
 *   asked. API version 2026-10-21 removed all three (a 400 even at their defaults, and OpenAI
 *   clients send them routinely): under it they are not sent but listed in `dropped`.
 * - `thinking` (Anthropic's own object, carried by the canonical body as LiteLLM does) → as it
 *   is. With thinking on, Anthropic refuses a `temperature` other than 1, `top_k`, a `top_p`
 *   below 0.95 and forced tool use (`tool_choice` required or named): those are sent as asked
 *   all the same and Anthropic's 400 relayed, rather than answering otherwise than asked.
 * - `safety_identifier` (OpenAI's newer name for it) ?? `user` → `metadata.user_id`.
 * - `tools` (function tools) → `{ name, description, input_schema, strict, cache_control }`; `tool_choice`
 *   auto/none/required/named → auto/none/any/tool; `parallel_tool_calls: false` →
 *   `disable_parallel_tool_use` on the tool choice (an `auto` one if none was given).
 * - `response_format` json_schema → `output_config.format` (Anthropic's structured outputs,
 *   which always enforce the schema, as OpenAI's `strict: true` does); `text` → nothing.
 * - `stream: true` → `stream: true`.
 *
 * Refused with a 400 naming the field, because answering would silently not do what was asked:
 * `n` > 1, `logprobs`/`top_logprobs`, `response_format` json_object (Anthropic has no JSON mode
 * without a schema), legacy `functions`/`function_call`, and `reasoning_effort` — extended
 * thinking with tools requires sending Anthropic's signed thinking blocks back on the next
 * turn, which clients asking by `reasoning_effort` (plain OpenAI clients) do not do, so tool
 * conversations would fail on turn two; `thinking` is the way to ask.
 *
 * Ignored (not sent, not reported), having no Anthropic equivalent and no visible effect:
 * `stream_options` (Anthropic streams always carry usage), `store` and `metadata` (OpenAI's
 * stored completions), `seed` (best effort at OpenAI too), `service_tier` (OpenAI's tiers).
 *
 * Every other field set (frequency_penalty, logit_bias, prediction, …) is not sent and is
 * listed in `dropped`, for the caller to record: OpenAI-compatible upstreams get unknown
 * fields passed through, here there is nowhere to put them.
 */

export interface MessagesRequestOptions {
  /** `max_tokens` when the client set none: Anthropic requires it, OpenAI does not. */
  defaultMaxTokens: number;
  /** The `anthropic-version` header the request goes out with; `2023-06-01` when not given. */
  apiVersion?: string;
}

export interface MessagesRequest {
  body: Record<string, unknown>;
  /** Fields the client set that were not sent, in the order the client wrote them. */
  dropped: string[];
}

const IGNORED = new Set(['stream_options', 'store', 'metadata', 'seed', 'service_tier']);

const SAMPLING = ['temperature', 'top_p', 'top_k'] as const;

const TRANSLATED_EXCEPT_SAMPLING = [
  'model',
  'messages',
  'max_completion_tokens',
  'max_tokens',
  'stop',
  'safety_identifier',
  'user',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'stream',
  'thinking',
  // Checked by refuseUnsupported: allowed only at their defaults.
  'n',
  'logprobs',
  'top_logprobs',
  'reasoning_effort',
  'functions',
  'function_call',
];
const TRANSLATED = new Set([...TRANSLATED_EXCEPT_SAMPLING, ...SAMPLING]);
const TRANSLATED_WITHOUT_SAMPLING = new Set(TRANSLATED_EXCEPT_SAMPLING);

/** The first API version that refuses `temperature`, `top_p` and `top_k`. ISO dates compare as strings. */
const SAMPLING_REMOVED_IN = '2026-10-21';

/** OpenAI clients send `null` for "not set" on most fields. */
const given = (value: unknown): unknown => (value === null ? undefined : value);

export function chatToMessagesRequest(chat: Record<string, unknown>, upstreamModel: string, opts: MessagesRequestOptions): MessagesRequest {
  refuseUnsupported(chat);
  const { system, messages } = translateConversation(chat.messages);
  const body: Record<string, unknown> = {
    model: upstreamModel,
    max_tokens: given(chat.max_completion_tokens) ?? given(chat.max_tokens) ?? opts.defaultMaxTokens,
  };
  if (system !== undefined) body.system = system;
  body.messages = messages;
  const stop = stopSequences(chat.stop);
  if (stop !== undefined) body.stop_sequences = stop;
  const samplingAccepted = (opts.apiVersion ?? '2023-06-01') < SAMPLING_REMOVED_IN;
  if (samplingAccepted) for (const field of SAMPLING) if (given(chat[field]) !== undefined) body[field] = chat[field];
  const thinking = given(chat.thinking);
  if (thinking !== undefined) {
    if (!isRecord(thinking)) throw badField('thinking', "must be an object such as { type: 'enabled', budget_tokens: 2048 }");
    body.thinking = thinking;
  }
  const userId = given(chat.safety_identifier) ?? given(chat.user);
  if (userId !== undefined) body.metadata = { user_id: userId };
  const tools = toolsOf(chat.tools);
  if (tools !== undefined) body.tools = tools;
  const toolChoice = toolChoiceOf(chat.tool_choice, chat.parallel_tool_calls, tools !== undefined);
  if (toolChoice !== undefined) body.tool_choice = toolChoice;
  const format = outputFormatOf(chat.response_format);
  if (format !== undefined) body.output_config = { format };
  if (chat.stream === true) body.stream = true;
  return { body, dropped: droppedFields(chat, samplingAccepted ? TRANSLATED : TRANSLATED_WITHOUT_SAMPLING) };
}

function refuseUnsupported(chat: Record<string, unknown>): void {
  const n = given(chat.n);
  if (n !== undefined && n !== 1) throw badField('n', 'must be 1 with the anthropic provider adapter: Anthropic answers with one choice');
  if (chat.logprobs === true) throw badField('logprobs', 'not supported by the anthropic provider adapter: Anthropic returns no log probabilities');
  const top = given(chat.top_logprobs);
  if (top !== undefined && top !== 0) throw badField('top_logprobs', 'not supported by the anthropic provider adapter: Anthropic returns no log probabilities');
  if (given(chat.reasoning_effort) !== undefined) {
    throw badField(
      'reasoning_effort',
      "not supported by the anthropic provider adapter: Anthropic's extended thinking needs its signed thinking blocks sent back in tool conversations (as `thinking_blocks` on assistant messages), which OpenAI clients do not do; send Anthropic's `thinking` parameter instead",
    );
  }
  for (const legacy of ['functions', 'function_call'] as const) {
    if (given(chat[legacy]) !== undefined) throw badField(legacy, 'legacy function calling is not supported by the anthropic provider adapter; send tools and tool_choice');
  }
}

function stopSequences(stop: unknown): unknown[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  if (typeof stop === 'string') return [stop];
  if (!Array.isArray(stop)) throw badField('stop', 'must be a string or an array of strings');
  return stop.length === 0 ? undefined : stop;
}

function toolsOf(tools: unknown): Block[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw badField('tools', 'must be an array');
  if (tools.length === 0) return undefined;
  return tools.map((tool: unknown, i) => {
    const path = `tools.${i}`;
    if (!isRecord(tool)) throw badField(path, 'must be a tool object');
    if (tool.type !== 'function') {
      throw badField(`${path}.type`, `${JSON.stringify(tool.type) ?? 'a tool without a type'} tools are not supported by the anthropic provider adapter (function tools are)`);
    }
    const fn = tool.function;
    if (!isRecord(fn)) throw badField(`${path}.function`, 'must be an object');
    if (typeof fn.name !== 'string' || fn.name === '') throw badField(`${path}.function.name`, 'must be a non-empty string');
    const out: Block = { name: fn.name };
    if (typeof fn.description === 'string') out.description = fn.description;
    out.input_schema = inputSchemaOf(fn.parameters, `${path}.function.parameters`);
    if (fn.strict === true) out.strict = true;
    return withCacheControl(out, tool, path);
  });
}

function inputSchemaOf(parameters: unknown, path: string): Record<string, unknown> {
  // OpenAI: no parameters means a function without any.
  if (parameters === undefined || parameters === null) return { type: 'object', properties: {} };
  if (!isRecord(parameters)) throw badField(path, 'must be a JSON Schema object');
  // Arguments are always an object; OpenAI lets the schema leave that implied, Anthropic wants it said.
  return parameters.type === undefined ? { type: 'object', ...parameters } : parameters;
}

function toolChoiceOf(choice: unknown, parallel: unknown, haveTools: boolean): Block | undefined {
  let out: Block | undefined;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'none') out = { type: 'none' };
  else if (choice === 'required') out = { type: 'any' };
  else if (isRecord(choice) && choice.type === 'function') {
    const name = isRecord(choice.function) ? choice.function.name : undefined;
    if (typeof name !== 'string' || name === '') throw badField('tool_choice.function.name', 'must be a non-empty string');
    out = { type: 'tool', name };
  } else if (choice !== undefined && choice !== null) {
    throw badField('tool_choice', 'must be "auto", "none", "required" or a named function with the anthropic provider adapter');
  }
  // Without tools Anthropic refuses any tool_choice, and with `none` no call can be parallel:
  // the flag then asks for nothing, and sending it would only earn a 400.
  if (parallel === false && haveTools) {
    out ??= { type: 'auto' };
    if (out.type !== 'none') out.disable_parallel_tool_use = true;
  }
  return out;
}

function outputFormatOf(format: unknown): Block | undefined {
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format)) throw badField('response_format', 'must be an object');
  if (format.type === 'text') return undefined;
  if (format.type === 'json_schema') {
    const schema = isRecord(format.json_schema) ? format.json_schema.schema : undefined;
    if (!isRecord(schema)) throw badField('response_format.json_schema.schema', 'must be a JSON Schema object');
    return { type: 'json_schema', schema };
  }
  if (format.type === 'json_object') {
    throw badField('response_format.type', '"json_object" is not supported by the anthropic provider adapter: Anthropic has no JSON mode without a schema; send a json_schema response format');
  }
  throw badField('response_format.type', `must be "text" or "json_schema" with the anthropic provider adapter, got ${JSON.stringify(format.type) ?? 'none'}`);
}

function droppedFields(chat: Record<string, unknown>, translated: ReadonlySet<string>): string[] {
  const dropped: string[] = [];
  for (const key of Object.keys(chat)) {
    if (chat[key] !== undefined && chat[key] !== null && !translated.has(key) && !IGNORED.has(key)) dropped.push(key);
  }
  return dropped;
}
