import type { ChoicePlan, CompletionPlan } from './completion-plan.js';
import type { Frame, ResponseMeta } from './frame.js';

/**
 * Anthropic Messages framing of a completion plan (first choice only: the API has no `n`):
 * the JSON `message`, and the SSE event sequence message_start → content_block_start →
 * ping → content_block_delta… → content_block_stop → message_delta → message_stop. Pure.
 */

export const ANTHROPIC_MALFORMED_FRAME = 'event: content_block_delta\ndata: {not json\n\n';

const STOP_REASONS = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const;

function firstChoice(plan: CompletionPlan): ChoicePlan {
  const choice = plan.choices[0];
  if (!choice) throw new Error('completion plan without choices');
  return choice;
}

function inputUsage(promptTokens: number): Record<string, unknown> {
  return { input_tokens: promptTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

function contentBlock(choice: ChoicePlan): Record<string, unknown> {
  if (!choice.toolCall) return { type: 'text', text: choice.text };
  const { id, name, arguments: args } = choice.toolCall;
  return { type: 'tool_use', id, name, input: JSON.parse(args) as unknown };
}

/** The `message` JSON body; `usage` omitted when `missingUsage`. */
export function anthropicMessageBody(
  plan: CompletionPlan,
  meta: ResponseMeta,
  promptTokens: number,
  missingUsage: boolean,
): Record<string, unknown> {
  const choice = firstChoice(plan);
  const body: Record<string, unknown> = {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: [contentBlock(choice)],
    stop_reason: STOP_REASONS[choice.finish],
    stop_sequence: null,
  };
  if (!missingUsage) {
    body['usage'] = { ...inputUsage(promptTokens), output_tokens: choice.completionTokens, service_tier: 'standard' };
  }
  return body;
}

const sseEvent = (name: string, payload: unknown): string => `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;

/** The SSE frames of a streamed message; `delays[s]` is the wait before content step `s`. */
export function anthropicMessageFrames(
  plan: CompletionPlan,
  meta: ResponseMeta,
  promptTokens: number,
  missingUsage: boolean,
  delays: readonly number[] | undefined,
): Frame[] {
  const choice = firstChoice(plan);
  const message: Record<string, unknown> = {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
  };
  if (!missingUsage) message['usage'] = { ...inputUsage(promptTokens), output_tokens: 1, service_tier: 'standard' };
  const block = choice.toolCall
    ? { type: 'tool_use', id: choice.toolCall.id, name: choice.toolCall.name, input: {} }
    : { type: 'text', text: '' };

  const frames: Frame[] = [
    { data: sseEvent('message_start', { type: 'message_start', message }), delayMs: 0, kind: 'head' },
    { data: sseEvent('content_block_start', { type: 'content_block_start', index: 0, content_block: block }), delayMs: 0, kind: 'head' },
    { data: 'event: ping\ndata: {"type": "ping"}\n\n', delayMs: 0, kind: 'head' },
  ];
  const pieces = choice.toolCall ? choice.toolCall.argumentPieces : choice.pieces;
  const deltaPrefix = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":';
  const deltaKind = choice.toolCall ? '{"type":"input_json_delta","partial_json":' : '{"type":"text_delta","text":';
  pieces.forEach((piece, step) => {
    frames.push({ data: `${deltaPrefix}${deltaKind}${JSON.stringify(piece)}}}\n\n`, delayMs: delays?.[step] ?? 0, kind: 'content' });
  });
  const delta = { type: 'message_delta', delta: { stop_reason: STOP_REASONS[choice.finish], stop_sequence: null } };
  const messageDelta = missingUsage ? delta : { ...delta, usage: { output_tokens: choice.completionTokens } };
  frames.push(
    { data: sseEvent('content_block_stop', { type: 'content_block_stop', index: 0 }), delayMs: 0, kind: 'tail' },
    { data: sseEvent('message_delta', messageDelta), delayMs: 0, kind: 'tail' },
    { data: sseEvent('message_stop', { type: 'message_stop' }), delayMs: 0, kind: 'tail' },
  );
  return frames;
}
