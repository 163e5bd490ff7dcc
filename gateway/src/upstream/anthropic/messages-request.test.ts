import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors.js';
import { chatToMessagesRequest } from './messages-request.js';

const OPTS = { defaultMaxTokens: 4096 };

/** An OpenAI request (type-checked against the OpenAI SDK) translated for model `claude-x`. */
function translate(chat: OpenAI.ChatCompletionCreateParams): { body: Record<string, unknown>; dropped: string[] } {
  return chatToMessagesRequest(chat as unknown as Record<string, unknown>, 'claude-x', OPTS);
}

/** What the translation must produce, type-checked against the Anthropic SDK. */
const anthropic = (body: Anthropic.MessageCreateParams): Record<string, unknown> => body as unknown as Record<string, unknown>;

/** The error a request that cannot be sent is refused with. */
function refusal(chat: Record<string, unknown>): GatewayError {
  try {
    chatToMessagesRequest({ model: 'alias', ...chat }, 'claude-x', OPTS);
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected the request to be refused');
}

const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==';

describe('chatToMessagesRequest: top-level fields', () => {
  it('sends the upstream model, the default max_tokens, and a lone user text as a string', () => {
    const { body, dropped } = translate({ model: 'alias', messages: [{ role: 'user', content: 'Hello' }] });
    expect(body).toEqual(anthropic({ model: 'claude-x', max_tokens: 4096, messages: [{ role: 'user', content: 'Hello' }] }));
    expect(dropped).toEqual([]);
  });

  it('takes max_completion_tokens over max_tokens, and null as not set', () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];
    expect(translate({ model: 'a', messages, max_completion_tokens: 50, max_tokens: 99 }).body.max_tokens).toBe(50);
    expect(translate({ model: 'a', messages, max_completion_tokens: null, max_tokens: 99 }).body.max_tokens).toBe(99);
    expect(translate({ model: 'a', messages, max_tokens: null }).body.max_tokens).toBe(4096);
  });

  it('maps stop, user and stream', () => {
    const { body } = translate({ model: 'a', messages: [{ role: 'user', content: 'Hi' }], stop: 'END', user: 'user-42', stream: true });
    expect(body).toEqual(
      anthropic({
        model: 'claude-x',
        max_tokens: 4096,
        messages: [{ role: 'user', content: 'Hi' }],
        stop_sequences: ['END'],
        metadata: { user_id: 'user-42' },
        stream: true,
      }),
    );
    const withList = translate({ model: 'a', messages: [{ role: 'user', content: 'Hi' }], stop: ['a', 'b'], stream: false });
    expect(withList.body.stop_sequences).toEqual(['a', 'b']);
    expect(withList.body).not.toHaveProperty('stream');
  });

  it('sends temperature, top_p and top_k as asked under API version 2023-06-01, even above Anthropic\'s range', () => {
    const chat = { model: 'a', messages: [{ role: 'user', content: 'Hi' }], temperature: 1.5, top_p: 0.9, top_k: 40 };
    for (const apiVersion of [undefined, '2023-06-01']) {
      const { body, dropped } = chatToMessagesRequest(chat, 'claude-x', { ...OPTS, apiVersion });
      expect(body).toMatchObject({ temperature: 1.5, top_p: 0.9, top_k: 40 });
      expect(dropped).toEqual([]);
    }
  });

  it('drops temperature, top_p and top_k under API version 2026-10-21, which refuses them even at their defaults', () => {
    const chat = { model: 'a', messages: [{ role: 'user', content: 'Hi' }], temperature: 1, top_p: null, top_k: 40, seed: 1 };
    const { body, dropped } = chatToMessagesRequest(chat, 'claude-x', { ...OPTS, apiVersion: '2026-10-21' });
    expect(body).toEqual(anthropic({ model: 'claude-x', max_tokens: 4096, messages: [{ role: 'user', content: 'Hi' }] }));
    expect(dropped).toEqual(['temperature', 'top_k']);
  });

  it('prefers safety_identifier, OpenAI\'s newer name for the end user, over user', () => {
    const { body } = translate({ model: 'a', messages: [{ role: 'user', content: 'Hi' }], user: 'old', safety_identifier: 'hashed-1' });
    expect(body.metadata).toEqual({ user_id: 'hashed-1' });
  });

  it('ignores fields without an equivalent that change nothing, and reports every other unknown one as dropped', () => {
    const { body, dropped } = chatToMessagesRequest(
      {
        model: 'a',
        messages: [{ role: 'user', content: 'Hi' }],
        stream_options: { include_usage: true },
        store: true,
        metadata: { k: 'v' },
        seed: 7,
        service_tier: 'flex',
        parallel_tool_calls: true,
        frequency_penalty: 0.5,
        logit_bias: { '50256': -100 },
        presence_penalty: null,
        some_new_param: 1,
      },
      'claude-x',
      OPTS,
    );
    expect(dropped).toEqual(['frequency_penalty', 'logit_bias', 'some_new_param']);
    expect(Object.keys(body)).toEqual(['model', 'max_tokens', 'messages']);
  });

  it('keeps n = 1 and logprobs false, refuses what Anthropic cannot answer, naming the field', () => {
    expect(translate({ model: 'a', messages: [{ role: 'user', content: 'Hi' }], n: 1, logprobs: false, top_logprobs: null }).body).not.toHaveProperty('n');
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ n: 2 }, 'n', /one choice/],
      [{ logprobs: true }, 'logprobs', /log probabilities/],
      [{ top_logprobs: 3 }, 'top_logprobs', /log probabilities/],
      [{ reasoning_effort: 'high' }, 'reasoning_effort', /thinking blocks/],
      [{ functions: [{ name: 'f' }] }, 'functions', /legacy function calling/],
      [{ function_call: 'auto' }, 'function_call', /legacy function calling/],
      [{ response_format: { type: 'json_object' } }, 'response_format.type', /"json_object" is not supported by the anthropic provider adapter/],
      [{ response_format: { type: 'grammar' } }, 'response_format.type', /must be "text" or "json_schema"/],
      [{ response_format: { type: 'json_schema', json_schema: { name: 'x' } } }, 'response_format.json_schema.schema', /JSON Schema/],
      [{ stop: 5 }, 'stop', /string or an array/],
    ];
    for (const [fields, param, message] of cases) {
      const err = refusal({ messages: [{ role: 'user', content: 'Hi' }], ...fields });
      expect(err.code).toBe('GW_BAD_REQUEST');
      expect(err.status).toBe(400);
      expect(err.param).toBe(param);
      expect(err.message).toMatch(new RegExp(`^${param.replace(/\./g, '\\.')}: `));
      expect(err.message).toMatch(message);
    }
  });

  it('maps a json_schema response format to structured outputs, and text to nothing', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Where?' }];
    const { body } = translate({ model: 'a', messages, response_format: { type: 'json_schema', json_schema: { name: 'place', strict: true, schema } } });
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema } } satisfies Anthropic.OutputConfig);
    expect(translate({ model: 'a', messages, response_format: { type: 'text' } }).body).not.toHaveProperty('output_config');
  });
});

describe('chatToMessagesRequest: tools', () => {
  const weather: OpenAI.ChatCompletionFunctionTool = {
    type: 'function',
    function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true },
  };
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];

  it('maps function tools to name, description, input_schema and strict', () => {
    const { body } = translate({
      model: 'a',
      messages,
      tools: [weather, { type: 'function', function: { name: 'now' } }, { type: 'function', function: { name: 'loose', parameters: { properties: {} } } }],
    });
    expect(body.tools).toEqual([
      { name: 'get_weather', description: 'Weather now', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
      { name: 'loose', input_schema: { type: 'object', properties: {} } },
    ] satisfies Anthropic.Tool[]);
    expect(translate({ model: 'a', messages, tools: [] }).body).not.toHaveProperty('tools');
  });

  it('maps every tool_choice', () => {
    const choice = (tool_choice: OpenAI.ChatCompletionToolChoiceOption) => translate({ model: 'a', messages, tools: [weather], tool_choice }).body.tool_choice;
    expect(choice('auto')).toEqual({ type: 'auto' } satisfies Anthropic.ToolChoice);
    expect(choice('none')).toEqual({ type: 'none' } satisfies Anthropic.ToolChoice);
    expect(choice('required')).toEqual({ type: 'any' } satisfies Anthropic.ToolChoice);
    expect(choice({ type: 'function', function: { name: 'get_weather' } })).toEqual({ type: 'tool', name: 'get_weather' } satisfies Anthropic.ToolChoice);
  });

  it('maps parallel_tool_calls: false onto the tool choice, an auto one when none was given', () => {
    const body = (extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>) => translate({ model: 'a', messages, tools: [weather], parallel_tool_calls: false, ...extra }).body;
    expect(body({}).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(body({ tool_choice: 'required' }).tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(body({ tool_choice: 'none' }).tool_choice).toEqual({ type: 'none' });
    // Without tools a tool_choice would only earn a 400 from Anthropic.
    expect(translate({ model: 'a', messages, parallel_tool_calls: false }).body).not.toHaveProperty('tool_choice');
  });

  it('refuses tools it cannot send, naming the field', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ tools: [weather, { type: 'custom', custom: { name: 'grammar' } }] }, 'tools.1.type'],
      [{ tools: [{ type: 'function', function: { description: 'no name' } }] }, 'tools.0.function.name'],
      [{ tools: [{ type: 'function', function: { name: 'f', parameters: 'object' } }] }, 'tools.0.function.parameters'],
      [{ tools: { weather } }, 'tools'],
      [{ tools: [weather], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } }, 'tool_choice'],
      [{ tools: [weather], tool_choice: { type: 'function', function: {} } }, 'tool_choice.function.name'],
    ];
    for (const [fields, param] of cases) expect(refusal({ messages, ...fields }).param).toBe(param);
  });
});

describe('chatToMessagesRequest: conversation', () => {
  it('moves system and developer messages, wherever they stand, into system, in order', () => {
    const { body } = translate({
      model: 'a',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }, { type: 'text', text: '' }] },
        { role: 'assistant', content: 'Bonjour' },
      ],
    });
    expect(body.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Answer in French.' },
    ] satisfies Anthropic.TextBlockParam[]);
    expect(body.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Bonjour' },
    ] satisfies Anthropic.MessageParam[]);
    expect(translate({ model: 'a', messages: [{ role: 'system', content: 'Only one.' }, { role: 'user', content: 'Hi' }] }).body.system).toBe('Only one.');
    expect(translate({ model: 'a', messages: [{ role: 'system', content: '' }, { role: 'user', content: 'Hi' }] }).body).not.toHaveProperty('system');
  });

  it('maps user text, images (inline and by URL) and PDFs; drops names and image detail', () => {
    const { body } = translate({
      model: 'a',
      messages: [
        {
          role: 'user',
          name: 'alice',
          content: [
            { type: 'text', text: 'What is on these?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}`, detail: 'high' } },
            { type: 'image_url', image_url: { url: 'https://example.test/cat.jpg' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0xLjQK', filename: 'report.pdf' } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is on these?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
          { type: 'image', source: { type: 'url', url: 'https://example.test/cat.jpg' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' }, title: 'report.pdf' },
        ],
      },
    ] satisfies Anthropic.MessageParam[]);
  });

  it('refuses content it cannot send, naming the part', () => {
    const user = (content: unknown) => ({ messages: [{ role: 'user', content: 'first' }, { role: 'user', content }] });
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [user([{ type: 'image_url', image_url: { url: 'data:image/png,rawbytes' } }]), 'messages.1.content.0.image_url.url', /base64 data: URL/],
      [user([{ type: 'image_url', image_url: { url: 'ftp://example.test/cat.png' } }]), 'messages.1.content.0.image_url.url', /http\(s\) URL/],
      [user([{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }]), 'messages.1.content.0.type', /"input_audio" content parts are not supported/],
      [user([{ type: 'file', file: { file_id: 'file-123' } }]), 'messages.1.content.0.file.file_data', /file ids/],
      [user([{ type: 'file', file: { file_data: 'data:text/csv;base64,YSxi' } }]), 'messages.1.content.0.file.file_data', /PDF/],
      [user([{ type: 'text' }]), 'messages.1.content.0.text', /string/],
      [user(42), 'messages.1.content', /string or an array/],
      [{ messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] }] }, 'messages.0.content.0.type', /system or developer/],
      [{ messages: 'Hi' }, 'messages', /array/],
      [{ messages: ['Hi'] }, 'messages.0', /message object/],
      [{ messages: [{ role: 'function', name: 'f', content: '1' }] }, 'messages.0.role', /legacy function messages/],
      [{ messages: [{ role: 'critic', content: 'x' }] }, 'messages.0.role', /must be one of/],
    ];
    for (const [fields, param, message] of cases) {
      const err = refusal(fields);
      expect(err.param, param).toBe(param);
      expect(err.message).toMatch(message);
    }
  });

  it('maps assistant text and tool calls to text and tool_use blocks, dropping reasoning_content', () => {
    const { body } = chatToMessagesRequest(
      {
        model: 'a',
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: 'Checking.',
            reasoning_content: 'The user wants two cities.',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_2', type: 'function', function: { name: 'now', arguments: '' } },
            ],
          },
        ],
      },
      'claude-x',
      OPTS,
    );
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'now', input: {} },
        ],
      },
    ] satisfies Anthropic.MessageParam[]);
  });

  it('refuses tool call arguments that are not a JSON object, naming the call', () => {
    const withArguments = (args: unknown) => ({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'ok', arguments: '{}' } }, { id: 'call_1', type: 'function', function: { name: 'f', arguments: args } }] },
      ],
    });
    for (const [args, got] of [['[1,2]', 'an array'], ['{"city":', 'text that is not JSON'], ['"Paris"', 'a string'], ['null', 'null'], [{ city: 'Paris' }, 'JSON']] as const) {
      const err = refusal(withArguments(args));
      expect(err.param).toBe('messages.1.tool_calls.1.function.arguments');
      expect(err.message).toContain(got);
    }
    const noId = refusal({ messages: [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }] });
    expect(noId.param).toBe('messages.0.tool_calls.0.id');
    const custom = refusal({ messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'custom', custom: { name: 'f', input: 'x' } }] }] });
    expect(custom.param).toBe('messages.0.tool_calls.0.type');
    const legacy = refusal({ messages: [{ role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } }] });
    expect(legacy.param).toBe('messages.0.function_call');
  });

  it('turns tool messages into tool_result blocks of one user turn, merged with the user message after them', () => {
    const { body } = translate({
      model: 'a',
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24°C' }] },
        { role: 'user', content: 'And tomorrow?' },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '24°C' }] },
          { type: 'text', text: 'And tomorrow?' },
        ],
      },
    ] satisfies Anthropic.MessageParam[]);
  });

  it('puts tool results first in their user turn, keeps an empty result, and requires tool_call_id', () => {
    const { body } = translate({
      model: 'a',
      messages: [
        { role: 'user', content: 'Go' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'run', arguments: '{}' } }] },
        { role: 'user', content: 'Hurry up.' },
        { role: 'tool', tool_call_id: 'call_1', content: '' },
      ],
    });
    expect((body.messages as unknown[])[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call_1' },
        { type: 'text', text: 'Hurry up.' },
      ],
    } satisfies Anthropic.MessageParam);
    expect(refusal({ messages: [{ role: 'tool', content: 'x' }] }).param).toBe('messages.0.tool_call_id');
  });

  it('merges consecutive same-role messages and leaves out empty ones, so turns alternate', () => {
    const { body } = translate({
      model: 'a',
      messages: [
        { role: 'user', content: 'One.' },
        { role: 'user', content: 'Two.' },
        { role: 'assistant', content: '' },
        { role: 'user', content: [{ type: 'text', text: 'Three.' }] },
        { role: 'assistant', content: 'A.' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'One.' },
          { type: 'text', text: 'Two.' },
          { type: 'text', text: 'Three.' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'A.' },
          { type: 'text', text: 'No.' },
        ],
      },
    ] satisfies Anthropic.MessageParam[]);
  });
});

describe('chatToMessagesRequest: thinking and cache_control (the canonical extensions)', () => {
  const translateRaw = (chat: Record<string, unknown>) => chatToMessagesRequest(chat, 'claude-x', OPTS);

  it('sends thinking as it is and does not list it as dropped, sampling included: Anthropic judges the mix', () => {
    for (const thinking of [{ type: 'enabled', budget_tokens: 2048 }, { type: 'disabled' }, { type: 'adaptive' }]) {
      const { body, dropped } = translateRaw({ model: 'a', messages: [{ role: 'user', content: 'Hi' }], thinking, temperature: 0.2, top_k: 5 });
      expect(body.thinking).toEqual(thinking);
      expect(body).toMatchObject({ temperature: 0.2, top_k: 5 });
      expect(dropped).toEqual([]);
    }
    expect(translateRaw({ model: 'a', messages: [{ role: 'user', content: 'Hi' }], thinking: null }).body).not.toHaveProperty('thinking');
    const err = refusal({ messages: [{ role: 'user', content: 'Hi' }], thinking: 'enabled' });
    expect(err.param).toBe('thinking');
  });

  it('puts an assistant message\'s thinking_blocks first in its turn, unchanged, and still drops reasoning_content', () => {
    const signed = { type: 'thinking', thinking: 'Two cities: two calls.', signature: 'EqQBCgIYAhIM+/9=\u2028"' };
    const redacted = { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' };
    const { body } = translateRaw({
      model: 'a',
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: 'Checking.',
          reasoning_content: 'Two cities: two calls.',
          thinking_blocks: [signed, redacted],
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
        { role: 'assistant', content: null, thinking_blocks: [{ type: 'thinking', thinking: '', signature: 'OmittedSig' }], tool_calls: [{ id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '' } }] },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Two cities: two calls.', signature: 'EqQBCgIYAhIM+/9=\u2028"' },
          { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: '', signature: 'OmittedSig' },
          { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} },
        ],
      },
    ] satisfies Anthropic.MessageParam[]);
  });

  it('moves thinking first in an assistant turn merged from two messages, the second one carrying it', () => {
    const { body } = translateRaw({
      model: 'a',
      messages: [
        { role: 'user', content: 'Go' },
        { role: 'assistant', content: 'Let me look.' },
        {
          role: 'assistant',
          content: null,
          thinking_blocks: [{ type: 'redacted_thinking', data: 'Blob' }, { type: 'thinking', thinking: 'Look up.', signature: 'Sig' }],
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'look', arguments: '{}' } }],
        },
      ],
    });
    expect((body.messages as unknown[])[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'redacted_thinking', data: 'Blob' },
        { type: 'thinking', thinking: 'Look up.', signature: 'Sig' },
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_1', name: 'look', input: {} },
      ],
    } satisfies Anthropic.MessageParam);
  });

  it('leaves out unsigned thinking (another provider\'s reasoning), which Anthropic would refuse', () => {
    const { body } = translateRaw({
      model: 'a',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.', thinking_blocks: [{ type: 'thinking', thinking: 'deepseek says hi', signature: '' }, { type: 'redacted_thinking', data: 'Blob' }] },
        { role: 'user', content: 'Again?' },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'Blob' }, { type: 'text', text: 'Hello.' }] },
      { role: 'user', content: 'Again?' },
    ]);
  });

  it('refuses thinking_blocks Anthropic could not take back, naming the field', () => {
    const withBlocks = (thinking_blocks: unknown) => ({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Yes.', thinking_blocks }] });
    const cases: Array<[unknown, string]> = [
      [{ type: 'thinking', thinking: 'x' }, 'messages.1.thinking_blocks'],
      [[{ type: 'thinking', thinking: 'x' }], 'messages.1.thinking_blocks.0.signature'],
      [[{ type: 'thinking', signature: 's' }], 'messages.1.thinking_blocks.0.thinking'],
      [[{ type: 'redacted_thinking', data: 'd' }, { type: 'redacted_thinking' }], 'messages.1.thinking_blocks.1.data'],
      [[{ type: 'reasoning', text: 'x' }], 'messages.1.thinking_blocks.0.type'],
      [['x'], 'messages.1.thinking_blocks.0'],
    ];
    for (const [blocks, param] of cases) expect(refusal(withBlocks(blocks)).param).toBe(param);
  });

  it('puts cache_control on the blocks the marked parts, tools, tool calls and tool messages become, keeping lone marked texts as blocks', () => {
    const ephemeral = { type: 'ephemeral' } as const;
    const hour = { type: 'ephemeral', ttl: '1h' } as const;
    const { body } = translateRaw({
      model: 'a',
      tools: [{ type: 'function', function: { name: 'read', parameters: { type: 'object', properties: {} } }, cache_control: hour }],
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are a coding agent.', cache_control: hour }] },
        {
          role: 'user',
          content: [
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0xLjQK', filename: 'spec.pdf' }, cache_control: ephemeral },
            { type: 'image_url', image_url: { url: 'https://example.test/cat.jpg' }, cache_control: ephemeral },
            { type: 'text', text: 'Read it.' },
          ],
        },
        {
          role: 'assistant',
          content: [{ type: 'text', text: 'Reading.', cache_control: null }],
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'read', arguments: '{}' }, cache_control: ephemeral }],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'contents', cache_control: ephemeral },
        { role: 'assistant', content: [{ type: 'text', text: 'Done.', cache_control: ephemeral }] },
      ],
    });
    expect(body.tools).toEqual([{ name: 'read', input_schema: { type: 'object', properties: {} }, cache_control: hour }] satisfies Anthropic.Tool[]);
    expect(body.system).toEqual([{ type: 'text', text: 'You are a coding agent.', cache_control: hour }] satisfies Anthropic.TextBlockParam[]);
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' }, title: 'spec.pdf', cache_control: ephemeral },
          { type: 'image', source: { type: 'url', url: 'https://example.test/cat.jpg' }, cache_control: ephemeral },
          { type: 'text', text: 'Read it.' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Reading.' },
          { type: 'tool_use', id: 'toolu_1', name: 'read', input: {}, cache_control: ephemeral },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'contents', cache_control: ephemeral }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Done.', cache_control: ephemeral }] },
    ] satisfies Anthropic.MessageParam[]);
  });

  it('refuses a cache_control that is not an object, naming where it was', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: 'ephemeral' }] }] }, 'messages.0.content.0.cache_control'],
      [{ messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'function', function: { name: 'f' }, cache_control: true }] }, 'tools.0.cache_control'],
      [{ messages: [{ role: 'tool', tool_call_id: 'c', content: 'x', cache_control: [] }] }, 'messages.0.cache_control'],
      [{ messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' }, cache_control: 1 }] }] }, 'messages.0.tool_calls.0.cache_control'],
    ];
    for (const [fields, param] of cases) expect(refusal(fields).param).toBe(param);
  });
});

describe('chatToMessagesRequest: extensions survive (property)', () => {
  const breakpoint = fc.option(fc.constantFrom({ type: 'ephemeral' }, { type: 'ephemeral', ttl: '5m' }, { type: 'ephemeral', ttl: '1h' }), { nil: undefined });
  const marked = <T extends object>([value, cacheControl]: [T, object | undefined]) => (cacheControl === undefined ? value : { ...value, cache_control: cacheControl });
  const textPart = fc.tuple(fc.string({ minLength: 1 }).map((text) => ({ type: 'text', text })), breakpoint).map(marked);
  const userPart = fc.oneof(
    textPart,
    fc.tuple(fc.constant({ type: 'image_url', image_url: { url: 'https://example.test/cat.png' } }), breakpoint).map(marked),
    fc.tuple(fc.constant({ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0xLjQK', filename: 'a.pdf' } }), breakpoint).map(marked),
  );
  // Opaque to the gateway: any code points or lone UTF-16 code units must go out as they came in.
  const opaque = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) }));
  const thinkingBlock = fc.oneof(
    // Signed: an unsigned block is left out by design (tested above).
    fc.record({ type: fc.constant('thinking'), thinking: opaque, signature: opaque.filter((sig) => sig !== '') }),
    fc.record({ type: fc.constant('redacted_thinking'), data: opaque }),
  );
  const exchange = fc.record({
    user: fc.oneof(fc.string({ minLength: 1 }), fc.array(userPart, { minLength: 1, maxLength: 3 })),
    thinking: fc.array(thinkingBlock, { maxLength: 3 }),
    text: fc.option(fc.array(textPart, { maxLength: 2 }), { nil: null }),
    calls: fc.array(fc.tuple(breakpoint, breakpoint), { maxLength: 2 }),
  });
  const chat = fc
    .record({
      system: fc.option(fc.array(textPart, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      tools: fc.array(breakpoint, { maxLength: 2 }),
      exchanges: fc.array(exchange, { minLength: 1, maxLength: 4 }),
      thinking: fc.option(fc.record({ type: fc.constant('enabled'), budget_tokens: fc.nat() }), { nil: undefined }),
    })
    .map(({ system, tools, exchanges, thinking }) => {
      const messages: Array<Record<string, unknown>> = system === undefined ? [] : [{ role: 'system', content: system }];
      exchanges.forEach((ex, e) => {
        messages.push({ role: 'user', content: ex.user });
        const calls = ex.calls.map(([callMark, resultMark], c) => ({
          call: marked([{ id: `toolu_${e}_${c}`, type: 'function', function: { name: 'read', arguments: `{"n":${c}}` } }, callMark]),
          result: marked([{ role: 'tool', tool_call_id: `toolu_${e}_${c}`, content: `result ${c}` }, resultMark]),
        }));
        const assistant: Record<string, unknown> = { role: 'assistant', content: ex.text, thinking_blocks: ex.thinking };
        if (calls.length > 0) assistant.tool_calls = calls.map((c) => c.call);
        messages.push(assistant);
        for (const { result } of calls) messages.push(result);
      });
      const out: Record<string, unknown> = { model: 'a', messages, tools: tools.map((mark, i) => marked([{ type: 'function', function: { name: `tool_${i}` } }, mark])) };
      if (thinking !== undefined) out.thinking = thinking;
      return out;
    });

  /** Every cache_control value, depth first, an object's own before those inside it. */
  function breakpoints(value: unknown, found: unknown[] = []): unknown[] {
    if (Array.isArray(value)) for (const item of value) breakpoints(item, found);
    else if (typeof value === 'object' && value !== null) {
      const { cache_control: own, ...rest } = value as Record<string, unknown>;
      if (own !== undefined) found.push(own);
      for (const inner of Object.values(rest)) breakpoints(inner, found);
    }
    return found;
  }

  it('signed thinking blocks lead their assistant turns byte for byte, and every breakpoint stays in place, through JSON both ways', () => {
    fc.assert(
      fc.property(chat, (sent) => {
        const received = JSON.parse(JSON.stringify(sent)) as Record<string, unknown>;
        const { body: translated, dropped } = chatToMessagesRequest(received, 'claude-x', OPTS);
        const body = JSON.parse(JSON.stringify(translated)) as Record<string, unknown>;
        expect(dropped).toEqual([]);
        expect(body.thinking).toEqual(sent.thinking);

        const canonical = sent.messages as Array<Record<string, unknown>>;
        const assistants = canonical.filter((m) => m.role === 'assistant' && ((m.thinking_blocks as unknown[]).length > 0 || (m.content as unknown[] | null)?.length || m.tool_calls));
        const turns = (body.messages as Array<{ role: string; content: string | Array<Record<string, unknown>> }>).filter((m) => m.role === 'assistant');
        expect(turns).toHaveLength(assistants.length);
        turns.forEach((turn, k) => {
          const blocks = typeof turn.content === 'string' ? [] : turn.content;
          const expected = assistants[k].thinking_blocks as unknown[];
          expect(blocks.slice(0, expected.length)).toEqual(expected);
          expect(blocks.slice(expected.length).some((b) => b.type === 'thinking' || b.type === 'redacted_thinking')).toBe(false);
        });

        const sentOrder = [...breakpoints(sent.tools), ...breakpoints(canonical)];
        const sentOnward = [...breakpoints(body.tools), ...breakpoints(body.system), ...breakpoints(body.messages)];
        expect(sentOnward).toEqual(sentOrder);
      }),
      { numRuns: 300 },
    );
  });
});
