import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors.js';
import { messageToChatCompletion } from './chat-completion.js';
import { message, redactedThinking, text, thinking, toolUse, usage } from './test/messages.js';

const CREATED = 1_760_000_000;

const complete = (answer: unknown) => messageToChatCompletion(answer as Record<string, unknown>, CREATED, 'claude-prod');

describe('messageToChatCompletion', () => {
  it('answers a text message as a chat.completion, field by field', () => {
    const expected: OpenAI.ChatCompletion = {
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      created: CREATED,
      model: 'claude-sonnet-4-6',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there.', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 25, completion_tokens: 12, total_tokens: 37, prompt_tokens_details: { cached_tokens: 0 } },
    };
    expect(complete(message([text('Hello '), text('there.')]))).toEqual(expected);
  });

  it('maps tool_use blocks to tool calls with JSON arguments, and content to null without text', () => {
    const out = complete(
      message([toolUse('toolu_1', 'get_weather', { city: 'Paris', days: [1, 2] }), toolUse('toolu_2', 'now', {})], { stop_reason: 'tool_use' }),
    );
    const choice = (out.choices as OpenAI.ChatCompletion.Choice[])[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [
        { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":[1,2]}' } },
        { id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '{}' } },
      ],
    });
  });

  it('maps thinking to reasoning_content, and every thinking and redacted_thinking block, in order and signed, to thinking_blocks', () => {
    const out = complete(
      message([thinking('Paris is in France. ', 'EqQBCgIYAhIM+/=='), redactedThinking('EncryptedBlob'), thinking('Answer briefly.', 'Sig\u2028"2"'), text('Paris.')]),
    );
    expect((out.choices as Array<{ message: unknown }>)[0].message).toEqual({
      role: 'assistant',
      content: 'Paris.',
      refusal: null,
      reasoning_content: 'Paris is in France. Answer briefly.',
      thinking_blocks: [
        { type: 'thinking', thinking: 'Paris is in France. ', signature: 'EqQBCgIYAhIM+/==' },
        { type: 'redacted_thinking', data: 'EncryptedBlob' },
        { type: 'thinking', thinking: 'Answer briefly.', signature: 'Sig\u2028"2"' },
      ],
    });
  });

  it('keeps thinking shown as omitted (a signature without text) and redacted thinking alone, with no reasoning_content', () => {
    const out = complete(message([thinking('', 'EqQBsig'), redactedThinking('Blob'), toolUse('toolu_1', 'now', {})], { stop_reason: 'tool_use' }));
    const answer = (out.choices as Array<{ message: Record<string, unknown> }>)[0].message;
    expect(answer).not.toHaveProperty('reasoning_content');
    expect(answer.thinking_blocks).toEqual([
      { type: 'thinking', thinking: '', signature: 'EqQBsig' },
      { type: 'redacted_thinking', data: 'Blob' },
    ]);
  });

  it('passes on a thinking block without a signature (an Anthropic lookalike provider) as it came', () => {
    const out = complete(message([{ type: 'thinking', thinking: 'Hmm.' } as never, text('Yes.')]));
    expect((out.choices as Array<{ message: Record<string, unknown> }>)[0].message.thinking_blocks).toEqual([{ type: 'thinking', thinking: 'Hmm.' }]);
  });

  it('maps every stop reason', () => {
    const reasons = {
      end_turn: 'stop',
      stop_sequence: 'stop',
      pause_turn: 'stop',
      max_tokens: 'length',
      model_context_window_exceeded: 'length',
      tool_use: 'tool_calls',
      refusal: 'content_filter',
    } as const;
    for (const [stop, finish] of Object.entries(reasons)) {
      const out = complete(message([text('x')], { stop_reason: stop as keyof typeof reasons }));
      expect((out.choices as Array<{ finish_reason: string }>)[0].finish_reason, stop).toBe(finish);
    }
    expect((complete({ ...message([text('x')]), stop_reason: 'a_reason_from_2030' }).choices as Array<{ finish_reason: string }>)[0].finish_reason).toBe('stop');
  });

  it('counts cache reads and writes in prompt_tokens, reads as cached_tokens, writes as cache_creation_input_tokens, thinking as reasoning_tokens', () => {
    const out = complete(
      message([text('x')], {
        usage: usage({ input_tokens: 10, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 50, output_tokens_details: { thinking_tokens: 30 } }),
      }),
    );
    expect(out.usage).toEqual({
      prompt_tokens: 1210,
      completion_tokens: 50,
      total_tokens: 1260,
      prompt_tokens_details: { cached_tokens: 1000 },
      completion_tokens_details: { reasoning_tokens: 30 },
      cache_creation_input_tokens: 200,
    } satisfies OpenAI.CompletionUsage & { cache_creation_input_tokens: number });
    // Anthropic counts cache writes on every answer, zero included; a lookalike that does not gets no field.
    const counted = complete(message([text('x')], { usage: usage({ input_tokens: 10, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 5 }) }));
    expect(counted.usage).toEqual({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 0 }, cache_creation_input_tokens: 0 });
    expect(complete(message([text('x')])).usage).not.toHaveProperty('cache_creation_input_tokens');
  });

  it('leaves usage out when the message has none or garbage, for the caller to estimate', () => {
    const { usage: _, ...withoutUsage } = message([text('x')]);
    expect(complete(withoutUsage)).not.toHaveProperty('usage');
    expect(complete({ ...withoutUsage, usage: { input_tokens: -1, output_tokens: 3 } })).not.toHaveProperty('usage');
  });

  it('refuses an answer that is not a message with a retryable bad-response error naming the provider', () => {
    const cases: unknown[] = [
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      { ...message([]), content: 'Hello' },
      message([{ type: 'text' } as never]),
      message([{ type: 'tool_use', input: {} } as never]),
      message([{ type: 'redacted_thinking' } as never]),
      message(['Hello' as never]),
    ];
    for (const answer of cases) {
      let err: unknown;
      try {
        complete(answer);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GatewayError);
      expect(err).toMatchObject({ code: 'GW_UPSTREAM_BAD_RESPONSE', status: 502, retryable: true, provider: 'claude-prod' });
      expect((err as Error).message).toMatch(/^provider claude-prod sent /);
    }
  });
});
