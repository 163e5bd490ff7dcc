import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anthropicMessageBody, anthropicMessageFrames } from './anthropic-frames.js';
import { planCompletion, planDelays, type PlanInput } from './completion-plan.js';
import type { Frame } from './frame.js';
import { openAiChatBody, openAiChatFrames } from './openai-frames.js';
import { BUILTIN_PROFILES } from './profiles.js';
import { createRng } from './random.js';

const meta = { id: 'chatcmpl-test', created: 1_700_000_000, model: 'm', fingerprint: 'fp_0123456789' };
const weatherTool = {
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    seed: 1,
    model: 'm',
    digestText: 'user\u0000hello\u0001',
    profile: BUILTIN_PROFILES['sim-fast'],
    choices: 1,
    maxTokens: undefined,
    tools: [],
    toolChoice: { mode: 'auto' },
    endsWithToolResult: false,
    fault: undefined,
    toolIdPrefix: 'call_',
    ...overrides,
  };
}

/** Parses OpenAI SSE frames into chunk objects (without `[DONE]`), and checks framing. */
function openAiChunks(frames: readonly Frame[]): Array<Record<string, any>> {
  const text = frames.map((f) => f.data).join('');
  expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter((block) => block !== '' && block !== 'data: [DONE]')
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true);
      return JSON.parse(block.slice(6)) as Record<string, any>;
    });
}

function reassembleOpenAi(chunks: Array<Record<string, any>>): Map<number, { text: string; args: string; finish: string | null }> {
  const out = new Map<number, { text: string; args: string; finish: string | null }>();
  for (const chunk of chunks) {
    for (const choice of chunk['choices'] as Array<Record<string, any>>) {
      const acc = out.get(choice['index']) ?? { text: '', args: '', finish: null };
      acc.text += choice['delta']['content'] ?? '';
      for (const call of choice['delta']['tool_calls'] ?? []) acc.args += call.function?.arguments ?? '';
      acc.finish = choice['finish_reason'] ?? acc.finish;
      out.set(choice['index'], acc);
    }
  }
  return out;
}

describe('OpenAI framing of a plan', () => {
  it('reassembles to the JSON answer for any seed, n and max_tokens', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 3 }), fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined }), (seed, n, maxTokens) => {
        const plan = planCompletion(input({ seed, choices: n, maxTokens }));
        const body = openAiChatBody(plan, meta, 12, false) as Record<string, any>;
        const chunks = openAiChunks(openAiChatFrames(plan, meta, 12, { includeUsage: true, missingUsage: false }, undefined));
        const streamed = reassembleOpenAi(chunks);
        for (const choice of body['choices']) {
          expect(streamed.get(choice.index)?.text).toBe(choice.message.content);
          expect(streamed.get(choice.index)?.finish).toBe(choice.finish_reason);
          if (maxTokens !== undefined && choice.finish_reason === 'length') expect(plan.choices[choice.index]?.completionTokens).toBe(maxTokens);
        }
        const last = chunks[chunks.length - 1];
        expect(last?.['choices']).toEqual([]);
        expect(last?.['usage']).toEqual(body['usage']);
        expect(chunks.slice(0, -1).every((c) => c['usage'] === null)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('frames a tool call the OpenAI way: header first, then argument deltas', () => {
    const plan = planCompletion(input({ tools: [weatherTool] }));
    const body = openAiChatBody(plan, meta, 12, false) as Record<string, any>;
    const call = body['choices'][0].message.tool_calls[0];
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: '{"city":"sample city"}' } });
    expect(body['choices'][0].finish_reason).toBe('tool_calls');
    const chunks = openAiChunks(openAiChatFrames(plan, meta, 12, { includeUsage: false, missingUsage: false }, undefined));
    expect(chunks[0]?.['choices'][0].delta).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: 'get_weather', arguments: '' } }],
      refusal: null,
    });
    expect(chunks.slice(1, -1).every((c) => c['choices'][0].delta.tool_calls[0].id === undefined)).toBe(true);
    expect(reassembleOpenAi(chunks).get(0)?.args).toBe(call.function.arguments);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });

  it('answers in text after a tool result, and never calls a tool with tool_choice none', () => {
    expect(planCompletion(input({ tools: [weatherTool], endsWithToolResult: true })).choices[0]?.toolCall).toBeUndefined();
    expect(planCompletion(input({ tools: [weatherTool], toolChoice: { mode: 'none' } })).choices[0]?.toolCall).toBeUndefined();
    const other = { name: 'other', parameters: {} };
    expect(planCompletion(input({ tools: [weatherTool, other], toolChoice: { mode: 'required', name: 'other' } })).choices[0]?.toolCall?.name).toBe('other');
  });

  it('depends on seed, model and conversation, and on nothing else', () => {
    const text = (o: Partial<PlanInput>): string => planCompletion(input(o)).choices[0]?.text ?? '';
    expect(text({})).toBe(text({}));
    expect(text({ seed: 2 })).not.toBe(text({}));
    expect(text({ model: 'other' })).not.toBe(text({}));
    expect(text({ digestText: 'user\u0000bye\u0001' })).not.toBe(text({}));
    expect(planCompletion(input({ fault: { outputTokens: 7 } })).completionTokens).toBe(7);
  });

  it('omits usage when the fault says so', () => {
    const plan = planCompletion(input({}));
    expect(openAiChatBody(plan, meta, 1, true)['usage']).toBeUndefined();
    const chunks = openAiChunks(openAiChatFrames(plan, meta, 1, { includeUsage: true, missingUsage: true }, undefined));
    expect(chunks.every((c) => c['choices'].length > 0)).toBe(true);
  });
});

describe('Anthropic framing of a plan', () => {
  function events(frames: readonly Frame[]): Array<{ event: string; data: Record<string, any> }> {
    return frames
      .map((f) => f.data)
      .join('')
      .split('\n\n')
      .filter((b) => b !== '')
      .map((block) => {
        const [eventLine, dataLine] = block.split('\n');
        expect(eventLine?.startsWith('event: ')).toBe(true);
        const data = JSON.parse(dataLine?.slice(6) ?? '') as Record<string, any>;
        expect(data['type']).toBe(eventLine?.slice(7));
        return { event: eventLine?.slice(7) ?? '', data };
      });
  }

  it('streams the same text and stop reason as the JSON message, in the documented event order', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 60 }), (seed, maxTokens) => {
        const plan = planCompletion(input({ seed, maxTokens }));
        const body = anthropicMessageBody(plan, meta, 5, false) as Record<string, any>;
        const evs = events(anthropicMessageFrames(plan, meta, 5, false, undefined));
        const names = evs.map((e) => e.event);
        expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
        expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
        const text = evs.filter((e) => e.event === 'content_block_delta').map((e) => e.data['delta'].text).join('');
        expect(text).toBe(body['content'][0].text);
        const delta = evs.find((e) => e.event === 'message_delta')?.data;
        expect(delta?.['delta'].stop_reason).toBe(body['stop_reason']);
        expect(delta?.['usage'].output_tokens).toBe(body['usage'].output_tokens);
      }),
      { numRuns: 30 },
    );
  });

  it('streams tool_use input as input_json_delta that parses to the JSON input', () => {
    const plan = planCompletion(input({ tools: [weatherTool], toolIdPrefix: 'toolu_' }));
    const body = anthropicMessageBody(plan, meta, 5, false) as Record<string, any>;
    expect(body['content'][0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'sample city' } });
    expect(body['content'][0].id).toMatch(/^toolu_/);
    expect(body['stop_reason']).toBe('tool_use');
    const evs = events(anthropicMessageFrames(plan, meta, 5, false, undefined));
    const json = evs.filter((e) => e.event === 'content_block_delta').map((e) => e.data['delta'].partial_json).join('');
    expect(JSON.parse(json)).toEqual(body['content'][0].input);
  });
});

describe('planDelays', () => {
  it('needs no timers for sim-fast and samples per step otherwise', () => {
    expect(planDelays(BUILTIN_PROFILES['sim-fast'], undefined, createRng(1), 10)).toBeUndefined();
    const delays = planDelays(BUILTIN_PROFILES['sim-realistic'], undefined, createRng(1), 10) ?? [];
    expect(delays).toHaveLength(10);
    expect(new Set(delays.slice(1)).size).toBeGreaterThan(1);
    expect(planDelays(BUILTIN_PROFILES['sim-realistic'], { ttftMs: 0, tokenMs: 0 }, createRng(1), 3)).toBeUndefined();
    expect(planDelays(BUILTIN_PROFILES['sim-fast'], { ttftMs: 40 }, createRng(1), 3)).toEqual([40, 0, 0]);
  });
});
