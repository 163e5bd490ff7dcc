import { GatewayError } from '../errors.js';
import { messageIdOf, messageUsage, stopReasonOf } from './answer-fields.js';
import { type Json, isRecord } from '../schemas/json-checks.js';

/**
 * An OpenAI `chat.completion` (first choice; Anthropic has no `n`) → an Anthropic `message`.
 * Content order: the thinking blocks, a text block (left out when empty and there are tool
 * calls), then one `tool_use` block per tool call. Thinking comes from the `thinking_blocks`
 * extension when the answer has it (an Anthropic provider's signed `thinking` and
 * `redacted_thinking` blocks, in order: the client must send them back unchanged), else from
 * `reasoning_content` as one `thinking` block with signature '' (OpenAI shapes carry none).
 * Entries of other types are skipped. A `refusal` (OpenAI structured outputs) is shown as text.
 *
 * Tool arguments that are not a JSON object fail the answer (GW_UPSTREAM_BAD_RESPONSE), as
 * LiteLLM's Anthropic adapter does ("Failed to parse tool call arguments"): handing the client
 * `{}` or a made-up `{"_raw": …}` would have it run a tool with inputs the model never gave.
 * Empty arguments are `{}`, as in LiteLLM. So are arguments cut off by the token limit: the
 * answer's `max_tokens` stop reason then tells the client the call is incomplete, as Anthropic's does.
 */
export function chatCompletionToMessage(completion: Record<string, unknown>, fallbackModel: string): Record<string, unknown> {
  const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined;
  if (!isRecord(choice)) throw badAnswer('upstream chat completion has no choices');
  const message = isRecord(choice.message) ? choice.message : {};
  const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  const text = textOf(message);

  const content = thinkingBlocks(message);
  if (text !== '' || toolCalls.length === 0) content.push({ type: 'text', text });
  const truncated = choice.finish_reason === 'length';
  toolCalls.forEach((call, i) => content.push(toolUseBlock(call, i, truncated)));

  return {
    id: messageIdOf(completion.id),
    type: 'message',
    role: 'assistant',
    model: typeof completion.model === 'string' && completion.model !== '' ? completion.model : fallbackModel,
    content,
    stop_reason: stopReasonOf(choice.finish_reason),
    stop_sequence: null,
    usage: messageUsage(completion.usage),
  };
}

function thinkingBlocks(message: Json): Json[] {
  const signed = Array.isArray(message.thinking_blocks) ? message.thinking_blocks.flatMap(thinkingBlock) : [];
  if (signed.length > 0) return signed;
  if (typeof message.reasoning_content === 'string' && message.reasoning_content !== '') {
    return [{ type: 'thinking', thinking: message.reasoning_content, signature: '' }];
  }
  return [];
}

function thinkingBlock(entry: unknown): Json[] {
  if (!isRecord(entry)) return [];
  if (entry.type === 'thinking') return [{ type: 'thinking', thinking: stringOrEmpty(entry.thinking), signature: stringOrEmpty(entry.signature) }];
  if (entry.type === 'redacted_thinking' && typeof entry.data === 'string') return [{ type: 'redacted_thinking', data: entry.data }];
  return [];
}

const stringOrEmpty = (v: unknown): string => (typeof v === 'string' ? v : '');

function textOf(message: Json): string {
  const content = typeof message.content === 'string' ? message.content : '';
  return typeof message.refusal === 'string' ? content + message.refusal : content;
}

function toolUseBlock(call: unknown, i: number, truncated: boolean): Json {
  const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
  if (!isRecord(call) || !fn) throw badAnswer(`tool call ${i} of the upstream answer is not a function call`);
  const name = typeof fn.name === 'string' ? fn.name : '';
  return { type: 'tool_use', id: typeof call.id === 'string' ? call.id : '', name, input: toolInput(fn.arguments, name, truncated) };
}

function toolInput(args: unknown, name: string, truncated: boolean): Json {
  if (args === undefined || args === null || args === '') return {};
  let input: unknown;
  try {
    input = typeof args === 'string' ? JSON.parse(args) : undefined;
  } catch {
    input = undefined;
  }
  if (!isRecord(input) && truncated) return {};
  if (!isRecord(input)) throw badAnswer(`arguments of tool call '${name}' are not a JSON object, which an Anthropic tool_use input must be`);
  return input;
}

const badAnswer = (message: string): GatewayError => new GatewayError('GW_UPSTREAM_BAD_RESPONSE', message, { retryable: true });
