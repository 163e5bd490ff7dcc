import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { chatCompletionToMessage } from './message-response.js';

/** The fields of an Anthropic `message` the gateway answers with, typed by the SDK. */
type GatewayMessage = Pick<Anthropic.Message, 'id' | 'type' | 'role' | 'model' | 'stop_reason' | 'stop_sequence'> & {
  content: Array<Anthropic.ThinkingBlockParam | Anthropic.RedactedThinkingBlockParam | Anthropic.TextBlockParam | Anthropic.ToolUseBlockParam>;
  usage: Pick<Anthropic.Usage, 'input_tokens' | 'output_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens' | 'cache_creation'>;
};

/** OpenAI fixtures typed by the OpenAI SDK, plus the DeepSeek/vLLM reasoning field and LiteLLM's Anthropic extensions. */
type ThinkingEntry = { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string };
type Completion = Omit<OpenAI.ChatCompletion, 'choices' | 'usage'> & {
  choices: Array<
    Omit<OpenAI.ChatCompletion.Choice, 'message'> & { message: OpenAI.ChatCompletionMessage & { reasoning_content?: string; thinking_blocks?: ThinkingEntry[] } }
  >;
  usage?: OpenAI.CompletionUsage & { cache_creation_input_tokens?: number; cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number } };
};

const translate = (completion: Completion, fallbackModel = 'route-model') => chatCompletionToMessage({ ...completion }, fallbackModel);

function completion(message: Partial<Completion['choices'][number]['message']>, finish: OpenAI.ChatCompletion.Choice['finish_reason'] = 'stop', extra: Partial<Completion> = {}): Completion {
  return {
    id: 'chatcmpl-42',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, finish_reason: finish, logprobs: null, message: { role: 'assistant', content: null, refusal: null, ...message } }],
    usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, prompt_tokens_details: { cached_tokens: 100 } },
    ...extra,
  };
}

function failure(body: Record<string, unknown>): GatewayError {
  try {
    chatCompletionToMessage(body, 'm');
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('completion was translated');
}

describe('chatCompletionToMessage', () => {
  it('translates a text answer field by field', () => {
    const expected: GatewayMessage = {
      id: 'msg_chatcmpl-42',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-mini',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 100, cache_creation: null, output_tokens: 30 },
    };
    expect(translate(completion({ content: 'Hello!' }))).toEqual(expected);
  });

  it('keeps an id that already has the msg_ prefix and falls back for a missing id and model', () => {
    expect(translate(completion({ content: 'x' }, 'stop', { id: 'msg_abc' })).id).toBe('msg_abc');
    const { id: _id, model: _model, ...bare } = completion({ content: 'x' });
    const out = chatCompletionToMessage(bare, 'route-model');
    expect(out.id).toBe('msg_unknown');
    expect(out.model).toBe('route-model');
  });

  it('turns tool calls into tool_use blocks and leaves out the empty text', () => {
    const out = translate(
      completion(
        {
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'clock', arguments: '' } },
          ],
        },
        'tool_calls',
      ),
    );
    const expected: GatewayMessage['content'] = [
      { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'clock', input: {} },
    ];
    expect(out.content).toEqual(expected);
    expect(out.stop_reason).toBe('tool_use');
  });

  it('puts reasoning first as a thinking block, then text, then tool calls', () => {
    const out = translate(
      completion({
        reasoning_content: 'The user wants the time.',
        content: 'Let me check.',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'clock', arguments: '{}' } }],
      }),
    );
    const expected: GatewayMessage['content'] = [
      { type: 'thinking', thinking: 'The user wants the time.', signature: '' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_1', name: 'clock', input: {} },
    ];
    expect(out.content).toEqual(expected);
  });

  it('gives signed and redacted thinking_blocks back in order, before the text, in place of reasoning_content', () => {
    const out = translate(
      completion({
        reasoning_content: 'First.Second.',
        thinking_blocks: [
          { type: 'thinking', thinking: 'First.', signature: 'sig-1' },
          { type: 'redacted_thinking', data: 'ENCRYPTED' },
          { type: 'thinking', thinking: 'Second.', signature: 'sig-2' },
        ],
        content: 'Done.',
      }),
    );
    const expected: GatewayMessage['content'] = [
      { type: 'thinking', thinking: 'First.', signature: 'sig-1' },
      { type: 'redacted_thinking', data: 'ENCRYPTED' },
      { type: 'thinking', thinking: 'Second.', signature: 'sig-2' },
      { type: 'text', text: 'Done.' },
    ];
    expect(out.content).toEqual(expected);
  });

  it('answers a redacted-only thinking with an empty text block, and skips thinking_blocks entries it cannot read', () => {
    expect(translate(completion({ content: null, thinking_blocks: [{ type: 'redacted_thinking', data: 'X' }] })).content).toEqual([
      { type: 'redacted_thinking', data: 'X' },
      { type: 'text', text: '' },
    ]);
    const odd = completion({ content: 'ok', reasoning_content: 'plain' });
    odd.choices[0].message.thinking_blocks = [{ type: 'reasoning', text: 'x' }, 'sig', { type: 'redacted_thinking' }] as unknown as ThinkingEntry[];
    expect(translate(odd).content).toEqual([
      { type: 'thinking', thinking: 'plain', signature: '' },
      { type: 'text', text: 'ok' },
    ]);
  });

  it('answers an empty completion with one empty text block, and shows a refusal as text', () => {
    expect(translate(completion({ content: null })).content).toEqual([{ type: 'text', text: '' }]);
    expect(translate(completion({ content: '', reasoning_content: '' })).content).toEqual([{ type: 'text', text: '' }]);
    expect(translate(completion({ content: null, refusal: 'I cannot help with that.' })).content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['content_filter', 'refusal'],
    [null, 'end_turn'],
    ['eos', 'end_turn'],
  ])('maps finish_reason %s to stop_reason %s', (finish, stopReason) => {
    const out = chatCompletionToMessage({ ...completion({ content: 'x' }), choices: [{ index: 0, finish_reason: finish, message: { role: 'assistant', content: 'x' } }] }, 'm');
    expect(out.stop_reason).toBe(stopReason);
    expect(out.stop_sequence).toBeNull();
  });

  it('reports zeros for missing usage and no cached tokens when none are reported', () => {
    expect(translate(completion({ content: 'x' }, 'stop', { usage: undefined })).usage).toEqual({
      input_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: null,
      output_tokens: 0,
    });
    expect(translate(completion({ content: 'x' }, 'stop', { usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } })).usage).toEqual({
      input_tokens: 7,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: null,
      output_tokens: 3,
    });
  });

  it('counts cache writes apart from input_tokens, as Anthropic does', () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 5, total_tokens: 1005, prompt_tokens_details: { cached_tokens: 600 }, cache_creation_input_tokens: 300 };
    expect(translate(completion({ content: 'x' }, 'stop', { usage })).usage).toEqual({
      input_tokens: 100,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 600,
      cache_creation: null,
      output_tokens: 5,
    });
    // With Anthropic's split by lifetime (passed through the canonical form), the split too.
    const split = { ...usage, cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 } };
    expect(translate(completion({ content: 'x' }, 'stop', { usage: split })).usage).toMatchObject({ cache_creation_input_tokens: 300, cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 } });
    // More writes than the prompt holds is a bad report: capped, so no count goes negative.
    expect(translate(completion({ content: 'x' }, 'stop', { usage: { ...usage, cache_creation_input_tokens: 5000 } })).usage).toMatchObject({
      input_tokens: 0,
      cache_creation_input_tokens: 400,
    });
    expect(translate(completion({ content: 'x' }, 'stop', { usage: { ...usage, cache_creation_input_tokens: -3 } })).usage).toMatchObject({
      input_tokens: 400,
      cache_creation_input_tokens: 0,
    });
  });

  it('uses only the first choice', () => {
    const first = completion({ content: 'first' });
    const out = chatCompletionToMessage({ ...first, choices: [...first.choices, { index: 1, finish_reason: 'length', message: { role: 'assistant', content: 'second' } }] }, 'm');
    expect(out.content).toEqual([{ type: 'text', text: 'first' }]);
    expect(out.stop_reason).toBe('end_turn');
  });

  it.each([
    ['no choices', { ...completion({}), choices: [] }, /no choices/],
    ['unparseable arguments', completion({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"city": "Par' } }] }), /'f' are not a JSON object/],
    ['array arguments', completion({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1,2]' } }] }), /'f' are not a JSON object/],
    ['a tool call without function', { ...completion({}), choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', tool_calls: [{ id: 'c', type: 'custom' }] } }] }, /tool call 0 .* not a function call/],
  ])('fails the answer on %s as a retryable upstream error', (_name, body, message) => {
    const err = failure({ ...body });
    expect(err.code).toBe('GW_UPSTREAM_BAD_RESPONSE');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(message);
  });

  it('gives arguments cut off by the token limit as {} under the max_tokens stop reason', () => {
    const cut = completion({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"city": "Par' } }] }, 'length');
    const out = translate(cut);
    expect(out.stop_reason).toBe('max_tokens');
    expect(out.content).toEqual([{ type: 'tool_use', id: 'c', name: 'f', input: {} }]);
  });
});
