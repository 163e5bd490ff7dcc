import type { ChoicePlan, CompletionPlan } from './completion-plan.js';
import type { Frame, ResponseMeta } from './frame.js';

/**
 * OpenAI chat-completions framing of a completion plan, as the API sends it: the JSON body,
 * and the `chat.completion.chunk` SSE stream (role chunk first, one delta per token, a
 * finish chunk per choice, an optional usage chunk with `choices: []`, then `[DONE]`).
 * Pure; stream chunks are built from precomputed prefixes so a token costs one small
 * `JSON.stringify` of its text.
 */

export const OPENAI_DONE_FRAME = 'data: [DONE]\n\n';
export const OPENAI_MALFORMED_FRAME = 'data: {not json\n\n';

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

export function openAiUsage(promptTokens: number, completionTokens: number): OpenAiUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function messageOf(choice: ChoicePlan): Record<string, unknown> {
  if (choice.toolCall) {
    const { id, name, arguments: args } = choice.toolCall;
    return {
      role: 'assistant',
      content: null,
      tool_calls: [{ id, type: 'function', function: { name, arguments: args } }],
      refusal: null,
      annotations: [],
    };
  }
  return { role: 'assistant', content: choice.text, refusal: null, annotations: [] };
}

/** The `chat.completion` JSON body; `usage` omitted when `missingUsage`. */
export function openAiChatBody(
  plan: CompletionPlan,
  meta: ResponseMeta,
  promptTokens: number,
  missingUsage: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: plan.choices.map((choice) => ({
      index: choice.index,
      message: messageOf(choice),
      logprobs: null,
      finish_reason: choice.finish,
    })),
  };
  if (!missingUsage) body['usage'] = openAiUsage(promptTokens, plan.completionTokens);
  body['service_tier'] = 'default';
  body['system_fingerprint'] = meta.fingerprint;
  return body;
}

export interface OpenAiStreamOptions {
  /** `stream_options.include_usage`: `usage: null` on every chunk and a final usage chunk. */
  readonly includeUsage: boolean;
  readonly missingUsage: boolean;
}

function headDelta(choice: ChoicePlan): string {
  if (!choice.toolCall) return '{"role":"assistant","content":"","refusal":null}';
  const { id, name } = choice.toolCall;
  const call = { index: 0, id, type: 'function', function: { name, arguments: '' } };
  return `{"role":"assistant","content":null,"tool_calls":[${JSON.stringify(call)}],"refusal":null}`;
}

function contentDelta(choice: ChoicePlan, step: number): string | undefined {
  if (choice.toolCall) {
    const piece = choice.toolCall.argumentPieces[step];
    return piece === undefined ? undefined : `{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(piece)}}}]}`;
  }
  const piece = choice.pieces[step];
  return piece === undefined ? undefined : `{"content":${JSON.stringify(piece)}}`;
}

/** The SSE frames of a streamed answer; `delays[s]` is the wait before step `s` (none when undefined). */
export function openAiChatFrames(
  plan: CompletionPlan,
  meta: ResponseMeta,
  promptTokens: number,
  options: OpenAiStreamOptions,
  delays: readonly number[] | undefined,
): Frame[] {
  const head = `data: {"id":${JSON.stringify(meta.id)},"object":"chat.completion.chunk","created":${meta.created},"model":${JSON.stringify(meta.model)},"service_tier":"default","system_fingerprint":${JSON.stringify(meta.fingerprint)},"choices":[`;
  const usageNull = options.includeUsage ? ',"usage":null' : '';
  const chunk = (index: number, delta: string, finish: string | null): string =>
    `${head}{"index":${index},"delta":${delta},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]${usageNull}}\n\n`;

  const frames: Frame[] = [];
  for (let step = 0; step < plan.steps; step++) {
    let delayMs = delays?.[step] ?? 0;
    for (const choice of plan.choices) {
      if (step === 0) {
        frames.push({ data: chunk(choice.index, headDelta(choice), null), delayMs, kind: 'head' });
        delayMs = 0;
      }
      const delta = contentDelta(choice, step);
      if (delta === undefined) continue;
      frames.push({ data: chunk(choice.index, delta, null), delayMs, kind: 'content' });
      delayMs = 0;
    }
  }
  for (const choice of plan.choices) frames.push({ data: chunk(choice.index, '{}', choice.finish), delayMs: 0, kind: 'tail' });
  if (options.includeUsage && !options.missingUsage) {
    const usage = JSON.stringify(openAiUsage(promptTokens, plan.completionTokens));
    frames.push({ data: `${head}],"usage":${usage}}\n\n`, delayMs: 0, kind: 'tail' });
  }
  frames.push({ data: OPENAI_DONE_FRAME, delayMs: 0, kind: 'tail' });
  return frames;
}
