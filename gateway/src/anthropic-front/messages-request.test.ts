import type Anthropic from '@anthropic-ai/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { messagesToChatRequest } from './messages-request.js';

/**
 * Typed fixtures: the SDK's own types check that each request is one Anthropic accepts. SDK
 * 1.14 no longer types the deprecated sampling fields, which older clients still send.
 */
type Request = Anthropic.MessageCreateParams & { temperature?: number; top_p?: number; top_k?: number };
const translate = (body: Request) => messagesToChatRequest({ ...body });

const base = { model: 'claude-x', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] };

function rejection(body: Record<string, unknown>): GatewayError {
  try {
    messagesToChatRequest(body);
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('request was accepted');
}

const PNG = 'iVBORw0KGgo=';
const PDF = 'JVBERi0xLjQ=';
const ephemeral = { type: 'ephemeral' } as const;
const hour = { type: 'ephemeral', ttl: '1h' } as const;

describe('messagesToChatRequest: translation', () => {
  it('translates the minimal request', () => {
    expect(translate({ model: 'claude-x', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] })).toEqual({
      chat: { model: 'claude-x', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 64 },
      model: 'claude-x',
      stream: false,
    });
  });

  it('maps every sampling, tool and stream field', () => {
    const out = translate({
      model: 'claude-x',
      max_tokens: 100,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Weather?' }],
      stop_sequences: ['END', 'STOP'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'u-1' },
      tools: [
        { name: 'weather', description: 'Current weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
        { type: 'custom', name: 'clock', input_schema: { type: 'object' }, strict: true, cache_control: { type: 'ephemeral' } },
      ],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      stream: true,
    });
    expect(out).toEqual({
      model: 'claude-x',
      stream: true,
      chat: {
        model: 'claude-x',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Weather?' },
        ],
        max_tokens: 100,
        stop: ['END', 'STOP'],
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        user: 'u-1',
        tools: [
          {
            type: 'function',
            function: { name: 'weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
          },
          { type: 'function', function: { name: 'clock', parameters: { type: 'object' }, strict: true }, cache_control: { type: 'ephemeral' } },
        ],
        tool_choice: 'auto',
        parallel_tool_calls: false,
        stream: true,
        stream_options: { include_usage: true },
      },
    });
  });

  it('maps each tool_choice type', () => {
    const tools: Anthropic.Tool[] = [{ name: 'f', input_schema: { type: 'object' } }];
    const choice = (tool_choice: Anthropic.ToolChoice) => {
      const { tool_choice: tc, parallel_tool_calls } = translate({ ...base, messages: [{ role: 'user', content: 'x' }], tools, tool_choice }).chat;
      return { tc, parallel_tool_calls };
    };
    expect(choice({ type: 'auto' })).toEqual({ tc: 'auto', parallel_tool_calls: undefined });
    expect(choice({ type: 'any', disable_parallel_tool_use: false })).toEqual({ tc: 'required', parallel_tool_calls: undefined });
    expect(choice({ type: 'tool', name: 'f', disable_parallel_tool_use: true })).toEqual({ tc: { type: 'function', function: { name: 'f' } }, parallel_tool_calls: false });
    expect(choice({ type: 'none' })).toEqual({ tc: 'none', parallel_tool_calls: undefined });
  });

  it('joins system text blocks into one leading system message and leaves out an empty system', () => {
    const blocks = translate({
      ...base,
      messages: [{ role: 'user', content: 'x' }],
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Answer in French.' },
      ],
    });
    expect(blocks.chat.messages).toEqual([
      { role: 'system', content: 'You are terse.\nAnswer in French.' },
      { role: 'user', content: 'x' },
    ]);
    expect(translate({ ...base, messages: [{ role: 'user', content: 'x' }], system: '' }).chat.messages).toEqual([{ role: 'user', content: 'x' }]);
    expect(translate({ ...base, messages: [{ role: 'user', content: 'x' }], system: [] }).chat.messages).toEqual([{ role: 'user', content: 'x' }]);
  });

  it('sends text-only user blocks as one string and keeps parts, in order, around images', () => {
    const out = translate({
      ...base,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'first' }, { type: 'text', text: 'second', citations: null }] },
        { role: 'assistant', content: 'ok' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(out.chat.messages).toEqual([
      { role: 'user', content: 'first\nsecond' },
      { role: 'assistant', content: 'ok' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('turns assistant text and tool_use into content and tool_calls, and thinking into thinking_blocks in order', () => {
    const out = translate({
      ...base,
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Two cities, two calls.', signature: 'sig' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'text', text: 'Checking ' },
            { type: 'text', text: 'both.' },
            { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'weather', input: { city: 'Rome' }, caller: { type: 'direct' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'timeout', is_error: true },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_3', name: 'weather', input: {} }] },
      ],
    });
    expect(out.chat.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking both.',
        thinking_blocks: [
          { type: 'thinking', thinking: 'Two cities, two calls.', signature: 'sig' },
          { type: 'redacted_thinking', data: 'opaque' },
        ],
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: timeout' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_3', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
    ]);
  });

  it('puts tool messages before the rest of their user message and flattens result blocks to text', () => {
    const out = translate({
      ...base,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'ls', input: {} }, { type: 'tool_use', id: 't2', name: 'ls', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Here you go:' },
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'a.txt' }, { type: 'text', text: 'b.txt' }] },
            { type: 'tool_result', tool_use_id: 't2' },
          ],
        },
      ],
    });
    expect((out.chat.messages as unknown[]).slice(2)).toEqual([
      { role: 'tool', tool_call_id: 't1', content: 'a.txt\nb.txt' },
      { role: 'tool', tool_call_id: 't2', content: '' },
      { role: 'user', content: 'Here you go:' },
    ]);
  });

  it('places a system role message where it stands and allows an empty final assistant turn', () => {
    const out = translate({
      ...base,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'system', content: [{ type: 'text', text: 'Now switch to JSON.' }] },
        { role: 'assistant', content: '' },
      ],
    });
    expect(out.chat.messages).toEqual([
      { role: 'user', content: 'a' },
      { role: 'system', content: 'Now switch to JSON.' },
      { role: 'assistant', content: '' },
    ]);
  });

  it('accepts and ignores service_tier, top-level cache_control, a null user_id, empty tools and stop lists', () => {
    const out = translate({
      ...base,
      messages: [{ role: 'user', content: 'x' }],
      service_tier: 'standard_only',
      cache_control: { type: 'ephemeral' },
      metadata: { user_id: null },
      tools: [],
      stop_sequences: [],
      stream: false,
    });
    expect(out).toEqual({ chat: { model: 'claude-x', messages: [{ role: 'user', content: 'x' }], max_tokens: 64 }, model: 'claude-x', stream: false });
  });

  it('carries each thinking setting unchanged', () => {
    const settings: Anthropic.ThinkingConfigParam[] = [
      { type: 'enabled', budget_tokens: 2048 },
      { type: 'enabled', budget_tokens: 1024, display: 'omitted' },
      { type: 'disabled' },
      { type: 'adaptive' },
      { type: 'adaptive', display: 'summarized' },
      { type: 'between_tools' },
    ];
    for (const thinking of settings) {
      expect(translate({ ...base, messages: [{ role: 'user', content: 'x' }], thinking }).chat.thinking).toStrictEqual(thinking);
    }
  });

  it('keeps each cache_control breakpoint where the client put it', () => {
    const out = translate({
      ...base,
      system: [
        { type: 'text', text: 'Rules.', cache_control: hour },
        { type: 'text', text: 'More rules.' },
      ],
      tools: [{ name: 'ls', input_schema: { type: 'object' }, cache_control: ephemeral }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'List.' }, { type: 'text', text: 'Now.', cache_control: ephemeral }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Listing', cache_control: ephemeral },
            { type: 'text', text: ' now.' },
            { type: 'tool_use', id: 't1', name: 'ls', input: {}, cache_control: ephemeral },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'a.txt', cache_control: ephemeral },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' }, cache_control: hour },
          ],
        },
        { role: 'assistant', content: 'Seen.' },
        { role: 'user', content: [{ type: 'text', text: 'Go.', cache_control: null }] },
      ],
    });
    expect(out.chat.tools).toStrictEqual([{ type: 'function', function: { name: 'ls', parameters: { type: 'object' } }, cache_control: ephemeral }]);
    expect(out.chat.messages).toStrictEqual([
      {
        role: 'system',
        content: [
          { type: 'text', text: 'Rules.', cache_control: hour },
          { type: 'text', text: 'More rules.' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'List.' },
          { type: 'text', text: 'Now.', cache_control: ephemeral },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Listing', cache_control: ephemeral },
          { type: 'text', text: ' now.' },
        ],
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'ls', arguments: '{}' }, cache_control: ephemeral }],
      },
      { role: 'tool', tool_call_id: 't1', content: 'a.txt', cache_control: ephemeral },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' }, cache_control: hour }] },
      { role: 'assistant', content: 'Seen.' },
      { role: 'user', content: 'Go.' },
    ]);
  });

  it('keeps the breakpoint of a system role turn on its text part', () => {
    const out = translate({ ...base, messages: [{ role: 'user', content: 'a' }, { role: 'system', content: [{ type: 'text', text: 'JSON now.', cache_control: ephemeral }] }] });
    expect(out.chat.messages).toStrictEqual([
      { role: 'user', content: 'a' },
      { role: 'system', content: [{ type: 'text', text: 'JSON now.', cache_control: ephemeral }] },
    ]);
  });

  it('sends a base64 PDF document as a file part, its title as the filename', () => {
    const out = translate({
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', title: 'spec.pdf', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, cache_control: ephemeral },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: null, context: null, citations: { enabled: false } },
            { type: 'text', text: 'Compare.' },
          ],
        },
      ],
    });
    expect(out.chat.messages).toStrictEqual([
      {
        role: 'user',
        content: [
          { type: 'file', file: { file_data: `data:application/pdf;base64,${PDF}`, filename: 'spec.pdf' }, cache_control: ephemeral },
          { type: 'file', file: { file_data: `data:application/pdf;base64,${PDF}` } },
          { type: 'text', text: 'Compare.' },
        ],
      },
    ]);
  });
});

describe('messagesToChatRequest: Anthropic-only fields survive', () => {
  type Block = Record<string, unknown>;
  const breakpoint = fc.option(fc.constantFrom<Block>(ephemeral, hour, { type: 'ephemeral', ttl: '5m' }), { nil: undefined });
  const marked = (block: Block, cacheControl: Block | undefined): Block => (cacheControl ? { ...block, cache_control: cacheControl } : block);
  const word = fc.string({ maxLength: 6 });
  const text = fc.tuple(word, breakpoint).map(([t, cc]) => marked({ type: 'text', text: t }, cc));
  const userBlock = fc.oneof(
    text,
    fc.tuple(word, breakpoint).map(([u, cc]) => marked({ type: 'image', source: { type: 'url', url: `https://example.com/${u}` } }, cc)),
    fc.tuple(fc.base64String({ maxLength: 12 }), breakpoint).map(([data, cc]) => marked({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data } }, cc)),
    fc.tuple(word, word, breakpoint).map(([id, result, cc]) => marked({ type: 'tool_result', tool_use_id: id, content: result }, cc)),
  );
  const thinkingBlock = fc.oneof(
    fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.base64String({ minLength: 4, maxLength: 24 })).map(([thinking, signature]): Block => ({ type: 'thinking', thinking, signature })),
    fc.base64String({ minLength: 4, maxLength: 24 }).map((data): Block => ({ type: 'redacted_thinking', data })),
  );
  const toolUse = fc.tuple(word, breakpoint).map(([id, cc]) => marked({ type: 'tool_use', id, name: 'f', input: { id } }, cc));
  // Anthropic puts the thinking of a turn before its text and tool calls.
  const assistantBlocks = fc
    .tuple(fc.array(thinkingBlock, { maxLength: 3 }), fc.array(fc.oneof(text, toolUse), { maxLength: 3 }))
    .map(([thinking, rest]) => [...thinking, ...rest])
    .filter((blocks) => blocks.length > 0);
  const conversation = fc.record({
    system: fc.array(text, { maxLength: 2 }),
    tools: fc.array(breakpoint, { maxLength: 2 }),
    turns: fc.array(fc.tuple(fc.array(userBlock, { minLength: 1, maxLength: 4 }), assistantBlocks), { minLength: 1, maxLength: 3 }),
  });

  /** Each breakpoint with what it marks, sorted: tool messages move ahead of their user message's other parts. */
  const sorted = (marks: unknown[][]) => marks.map((m) => JSON.stringify(m)).sort();
  function anthropicMarks(body: { system: Block[]; tools: Block[]; messages: Array<{ content: Block[] }> }): string[] {
    const marks: unknown[][] = [];
    const mark = (block: Block, what: unknown[]) => block.cache_control && marks.push([...what, block.cache_control]);
    for (const b of body.system) mark(b, ['text', b.text]);
    body.tools.forEach((t, i) => mark(t, ['tool', i]));
    for (const b of body.messages.flatMap((m) => m.content)) {
      if (b.type === 'text') mark(b, ['text', b.text]);
      if (b.type === 'image') mark(b, ['image', (b.source as Block).url]);
      if (b.type === 'document') mark(b, ['file', `data:application/pdf;base64,${String((b.source as Block).data)}`]);
      if (b.type === 'tool_result') mark(b, ['result', b.tool_use_id]);
      if (b.type === 'tool_use') mark(b, ['call', b.id]);
    }
    return sorted(marks);
  }
  function canonicalMarks(chat: { messages: Block[]; tools?: Block[] }): string[] {
    const marks: unknown[][] = [];
    const mark = (item: Block, what: unknown[]) => item.cache_control && marks.push([...what, item.cache_control]);
    (chat.tools ?? []).forEach((t, i) => mark(t, ['tool', i]));
    for (const m of chat.messages) {
      if (m.role === 'tool') mark(m, ['result', m.tool_call_id]);
      for (const call of (m.tool_calls as Block[] | undefined) ?? []) mark(call, ['call', call.id]);
      if (!Array.isArray(m.content)) continue;
      for (const p of m.content as Block[]) {
        if (p.type === 'text') mark(p, ['text', p.text]);
        if (p.type === 'image_url') mark(p, ['image', (p.image_url as Block).url]);
        if (p.type === 'file') mark(p, ['file', (p.file as Block).file_data]);
      }
    }
    return sorted(marks);
  }

  it('keeps every signed thinking block, in order, and every breakpoint on what it marked, through JSON', () => {
    fc.assert(
      fc.property(conversation, (c) => {
        const body = {
          model: 'claude-x',
          max_tokens: 64,
          system: c.system,
          tools: c.tools.map((cc, i) => marked({ name: `t${i}`, input_schema: { type: 'object' } }, cc)),
          messages: c.turns.flatMap(([user, assistant]) => [
            { role: 'user', content: user },
            { role: 'assistant', content: assistant },
          ]),
        };
        const { chat } = messagesToChatRequest(JSON.parse(JSON.stringify(body)) as Record<string, unknown>);
        expect(JSON.parse(JSON.stringify(chat))).toStrictEqual(chat);
        const messages = chat.messages as Block[];
        expect(canonicalMarks({ messages, tools: chat.tools as Block[] | undefined })).toEqual(anthropicMarks(body));
        const assistants = messages.filter((m) => m.role === 'assistant');
        c.turns.forEach(([, blocks], k) => {
          const thinking = blocks.filter((b) => b.type === 'thinking' || b.type === 'redacted_thinking');
          expect(assistants[k].thinking_blocks).toStrictEqual(thinking.length > 0 ? thinking : undefined);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('messagesToChatRequest: rejections name the field', () => {
  const user = (content: unknown) => ({ ...base, messages: [{ role: 'user', content }] });
  const assistant = (content: unknown) => ({ ...base, messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content }, { role: 'user', content: 'again' }] });
  const image = (source: unknown) => user([{ type: 'image', source }]);
  const toolResult = (block: Record<string, unknown>) => user([{ type: 'tool_result', tool_use_id: 't', ...block }]);
  const toolUse = (block: Record<string, unknown>) => assistant([{ type: 'tool_use', id: 't', name: 'f', input: {}, ...block }]);
  const tool = (t: Record<string, unknown>) => ({ ...base, tools: [{ name: 'f', input_schema: { type: 'object' }, ...t }] });
  const thinking = (setting: unknown) => ({ ...base, thinking: setting });
  const breakpointOnText = (cacheControl: unknown) => user([{ type: 'text', text: 'x', cache_control: cacheControl }]);
  const pdf = (block: Record<string, unknown>) => user([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, ...block }]);
  const { model: _model, ...noModel } = base;
  const { max_tokens: _maxTokens, ...noMaxTokens } = base;
  const { messages: _messages, ...noMessages } = base;

  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['missing model', noModel, 'model', /Field required/],
    ['non-string model', { ...base, model: 7 }, 'model', /must be a string/],
    ['empty model', { ...base, model: '' }, 'model', /must not be empty/],
    ['missing max_tokens', noMaxTokens, 'max_tokens', /Field required/],
    ['zero max_tokens', { ...base, max_tokens: 0 }, 'max_tokens', /integer >= 1/],
    ['fractional max_tokens', { ...base, max_tokens: 1.5 }, 'max_tokens', /integer >= 1/],
    ['string max_tokens', { ...base, max_tokens: '10' }, 'max_tokens', /integer >= 1/],
    ['unsafe max_tokens', { ...base, max_tokens: 2 ** 53 }, 'max_tokens', /integer >= 1/],
    ['missing messages', noMessages, 'messages', /Field required/],
    ['non-array messages', { ...base, messages: {} }, 'messages', /must be an array/],
    ['no messages', { ...base, messages: [] }, 'messages', /at least one message/],
    ['non-object message', { ...base, messages: ['hi'] }, 'messages.0', /must be an object/],
    ['unknown role', { ...base, messages: [{ role: 'bot', content: 'x' }] }, 'messages.0.role', /'user' or 'assistant'/],
    ['missing content', { ...base, messages: [{ role: 'user' }] }, 'messages.0.content', /Field required/],
    ['numeric content', user(3), 'messages.0.content', /string or an array/],
    ['empty user content', user(''), 'messages.0', /non-empty content/],
    ['empty block list', user([]), 'messages.0', /non-empty content/],
    ['empty assistant turn before the end', assistant([]), 'messages.1', /non-empty content/],
    ['extra message field', { ...base, messages: [{ role: 'user', content: 'x', name: 'bob' }] }, 'messages.0.name', /Extra inputs are not permitted/],
    ['non-object block', user(['hi']), 'messages.0.content.0', /must be an object/],
    ['block without type', user([{ text: 'hi' }]), 'messages.0.content.0.type', /Field required/],
    ['unknown block type', user([{ type: 'video' }]), 'messages.0.content.0.type', /'video' blocks are not supported in user content/],
    ['tool_use in a user turn', user([{ type: 'tool_use', id: 't', name: 'f', input: {} }]), 'messages.0.content.0.type', /'tool_use'.*user content/],
    ['image in an assistant turn', assistant([{ type: 'image', source: { type: 'url', url: 'u' } }]), 'messages.1.content.0.type', /'image'.*assistant content/],
    ['tool_result in an assistant turn', assistant([{ type: 'tool_result', tool_use_id: 't' }]), 'messages.1.content.0.type', /'tool_result'.*assistant/],
    ['text block without text', user([{ type: 'text' }]), 'messages.0.content.0.text', /Field required/],
    ['non-string text', user([{ type: 'text', text: 5 }]), 'messages.0.content.0.text', /must be a string/],
    ['extra text block field', user([{ type: 'text', text: 'x', lang: 'en' }]), 'messages.0.content.0.lang', /Extra inputs/],
    ['image without source', user([{ type: 'image' }]), 'messages.0.content.0.source', /Field required/],
    ['Files API image', image({ type: 'file', file_id: 'file_1' }), 'messages.0.content.0.source.type', /'file' sources are not supported/],
    ['unknown image source', image({ type: 'ftp', url: 'x' }), 'messages.0.content.0.source.type', /'base64' or 'url'/],
    ['unsupported media type', image({ type: 'base64', media_type: 'image/bmp', data: PNG }), 'messages.0.content.0.source.media_type', /image\/jpeg/],
    ['base64 without data', image({ type: 'base64', media_type: 'image/png' }), 'messages.0.content.0.source.data', /Field required/],
    ['url source without url', image({ type: 'url' }), 'messages.0.content.0.source.url', /Field required/],
    ['extra source field', image({ type: 'url', url: 'u', detail: 'high' }), 'messages.0.content.0.source.detail', /Extra inputs/],
    ['tool_result without id', user([{ type: 'tool_result', content: 'x' }]), 'messages.0.content.0.tool_use_id', /Field required/],
    ['non-boolean is_error', toolResult({ is_error: 'yes' }), 'messages.0.content.0.is_error', /boolean/],
    ['numeric tool_result content', toolResult({ content: 5 }), 'messages.0.content.0.content', /must be an array/],
    ['image in tool_result', toolResult({ content: [{ type: 'image', source: { type: 'url', url: 'u' } }] }), 'messages.0.content.0.content.0.type', /images in 'tool_result'/],
    ['document in tool_result', toolResult({ content: [{ type: 'document' }] }), 'messages.0.content.0.content.0.type', /'document' blocks/],
    ['unknown tool_result block', toolResult({ content: [{ type: 'search_result' }] }), 'messages.0.content.0.content.0.type', /'search_result'.*tool_result/],
    ['extra tool_result field', toolResult({ status: 'ok' }), 'messages.0.content.0.status', /Extra inputs/],
    ['tool_use without id', toolUse({ id: undefined }), 'messages.1.content.0.id', /Field required/],
    ['tool_use without name', toolUse({ name: undefined }), 'messages.1.content.0.name', /Field required/],
    ['tool_use without input', toolUse({ input: undefined }), 'messages.1.content.0.input', /must be an object/],
    ['array tool_use input', toolUse({ input: [1] }), 'messages.1.content.0.input', /must be an object/],
    ['string tool_use input', toolUse({ input: '{"a":1}' }), 'messages.1.content.0.input', /must be an object/],
    ['thinking without text', assistant([{ type: 'thinking', signature: 's' }]), 'messages.1.content.0.thinking', /Field required/],
    ['redacted_thinking without data', assistant([{ type: 'redacted_thinking' }]), 'messages.1.content.0.data', /Field required/],
    ['numeric system', { ...base, system: 5 }, 'system', /must be an array/],
    ['image in system', { ...base, system: [{ type: 'image' }] }, 'system.0.type', /only 'text' blocks/],
    ['image in a system turn', { ...base, messages: [{ role: 'system', content: [{ type: 'image' }] }] }, 'messages.0.content.0.type', /only 'text' blocks/],
    ['non-array stop_sequences', { ...base, stop_sequences: 'END' }, 'stop_sequences', /must be an array/],
    ['non-string stop sequence', { ...base, stop_sequences: ['END', 4] }, 'stop_sequences.1', /must be a string/],
    ['temperature above 1', { ...base, temperature: 1.5 }, 'temperature', /between 0 and 1/],
    ['negative temperature', { ...base, temperature: -0.1 }, 'temperature', /between 0 and 1/],
    ['string temperature', { ...base, temperature: 'hot' }, 'temperature', /between 0 and 1/],
    ['top_p above 1', { ...base, top_p: 2 }, 'top_p', /between 0 and 1/],
    ['negative top_k', { ...base, top_k: -1 }, 'top_k', /integer >= 0/],
    ['fractional top_k', { ...base, top_k: 1.5 }, 'top_k', /integer >= 0/],
    ['non-object metadata', { ...base, metadata: 'm' }, 'metadata', /must be an object/],
    ['extra metadata field', { ...base, metadata: { session: 's' } }, 'metadata.session', /Extra inputs/],
    ['numeric user_id', { ...base, metadata: { user_id: 5 } }, 'metadata.user_id', /must be a string/],
    ['non-array tools', { ...base, tools: {} }, 'tools', /must be an array/],
    ['non-object tool', { ...base, tools: ['f'] }, 'tools.0', /must be an object/],
    ['server tool', { ...base, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools.0.type', /server tool 'web_search_20250305' is not supported/],
    ['tool without name', tool({ name: undefined }), 'tools.0.name', /Field required/],
    ['tool without input_schema', tool({ input_schema: undefined }), 'tools.0.input_schema', /Field required/],
    ['numeric tool description', tool({ description: 5 }), 'tools.0.description', /must be a string/],
    ['non-boolean strict', tool({ strict: 'yes' }), 'tools.0.strict', /boolean/],
    ['extra tool field', tool({ input_examples: [] }), 'tools.0.input_examples', /Extra inputs/],
    ['non-object tool_choice', { ...base, tool_choice: 'auto' }, 'tool_choice', /must be an object/],
    ['unknown tool_choice type', { ...base, tool_choice: { type: 'sometimes' } }, 'tool_choice.type', /'auto', 'any', 'tool', 'none'/],
    ['tool choice without name', { ...base, tool_choice: { type: 'tool' } }, 'tool_choice.name', /Field required/],
    ['parallel flag on none', { ...base, tool_choice: { type: 'none', disable_parallel_tool_use: true } }, 'tool_choice.disable_parallel_tool_use', /Extra inputs/],
    ['non-boolean parallel flag', { ...base, tool_choice: { type: 'auto', disable_parallel_tool_use: 'yes' } }, 'tool_choice.disable_parallel_tool_use', /boolean/],
    ['unknown service tier', { ...base, service_tier: 'priority' }, 'service_tier', /'auto' or 'standard_only'/],
    ['non-boolean stream', { ...base, stream: 'yes' }, 'stream', /boolean/],
    ['container', { ...base, container: 'cntr_1' }, 'container', /not supported by this gateway/],
    ['unknown top-level field', { ...base, n: 2 }, 'n', /Extra inputs are not permitted/],
    ['top-level field named like an Object property', { ...base, constructor: 1 }, 'constructor', /Extra inputs are not permitted$/],
    ['tool_choice type named like an Object property', { ...base, tool_choice: { type: 'constructor' } }, 'tool_choice.type', /'auto', 'any', 'tool', 'none'/],
    ['non-object thinking', thinking('on'), 'thinking', /must be an object/],
    ['thinking without type', thinking({ budget_tokens: 2048 }), 'thinking.type', /'enabled', 'adaptive', 'disabled'/],
    ['unknown thinking type', thinking({ type: 'auto' }), 'thinking.type', /'enabled', 'adaptive', 'disabled'/],
    ['thinking type named like an Object property', thinking({ type: 'toString' }), 'thinking.type', /'enabled', 'adaptive', 'disabled'/],
    ['enabled thinking without budget', thinking({ type: 'enabled' }), 'thinking.budget_tokens', /Field required/],
    ['zero thinking budget', thinking({ type: 'enabled', budget_tokens: 0 }), 'thinking.budget_tokens', /integer >= 1/],
    ['fractional thinking budget', thinking({ type: 'enabled', budget_tokens: 1024.5 }), 'thinking.budget_tokens', /integer >= 1/],
    ['string thinking budget', thinking({ type: 'enabled', budget_tokens: '2048' }), 'thinking.budget_tokens', /integer >= 1/],
    ['budget on disabled thinking', thinking({ type: 'disabled', budget_tokens: 2048 }), 'thinking.budget_tokens', /Extra inputs/],
    ['budget on adaptive thinking', thinking({ type: 'adaptive', budget_tokens: 2048 }), 'thinking.budget_tokens', /Extra inputs/],
    ['unknown thinking display', thinking({ type: 'adaptive', display: 'full' }), 'thinking.display', /'summarized' or 'omitted'/],
    ['thinking block without signature', assistant([{ type: 'thinking', thinking: 't' }]), 'messages.1.content.0.signature', /Field required/],
    ['numeric signature', assistant([{ type: 'thinking', thinking: 't', signature: 1 }]), 'messages.1.content.0.signature', /must be a string/],
    ['extra thinking block field', assistant([{ type: 'thinking', thinking: 't', signature: 's', index: 0 }]), 'messages.1.content.0.index', /Extra inputs/],
    ['non-object cache_control', breakpointOnText('ephemeral'), 'messages.0.content.0.cache_control', /must be an object/],
    ['unknown cache_control type', breakpointOnText({ type: 'persistent' }), 'messages.0.content.0.cache_control.type', /'ephemeral'/],
    ['unknown cache ttl', breakpointOnText({ type: 'ephemeral', ttl: '2h' }), 'messages.0.content.0.cache_control.ttl', /'5m' or '1h'/],
    ['extra cache_control field', breakpointOnText({ type: 'ephemeral', scope: 'global' }), 'messages.0.content.0.cache_control.scope', /Extra inputs/],
    ['bad breakpoint on a system block', { ...base, system: [{ type: 'text', text: 's', cache_control: {} }] }, 'system.0.cache_control.type', /'ephemeral'/],
    ['bad breakpoint on a tool', tool({ cache_control: { type: 'persistent' } }), 'tools.0.cache_control.type', /'ephemeral'/],
    ['bad breakpoint on a tool_result', toolResult({ cache_control: 1 }), 'messages.0.content.0.cache_control', /must be an object/],
    ['bad breakpoint on a tool_use', toolUse({ cache_control: { type: 'ephemeral', ttl: 5 } }), 'messages.1.content.0.cache_control.ttl', /'5m' or '1h'/],
    ['bad breakpoint on an image', user([{ type: 'image', source: { type: 'url', url: 'u' }, cache_control: [] }]), 'messages.0.content.0.cache_control', /must be an object/],
    ['bad breakpoint on a document', pdf({ cache_control: { ttl: '1h' } }), 'messages.0.content.0.cache_control.type', /'ephemeral'/],
    ['document without source', user([{ type: 'document' }]), 'messages.0.content.0.source', /Field required/],
    ['text document', pdf({ source: { type: 'text', media_type: 'text/plain', data: 'x' } }), 'messages.0.content.0.source.type', /only 'base64' PDF documents/],
    ['URL document', pdf({ source: { type: 'url', url: 'https://example.com/a.pdf' } }), 'messages.0.content.0.source.type', /only 'base64' PDF documents/],
    ['content document', pdf({ source: { type: 'content', content: 'x' } }), 'messages.0.content.0.source.type', /only 'base64' PDF documents/],
    ['Files API document', pdf({ source: { type: 'file', file_id: 'file_1' } }), 'messages.0.content.0.source.type', /only 'base64' PDF documents/],
    ['base64 document that is not a PDF', pdf({ source: { type: 'base64', media_type: 'text/plain', data: 'eA==' } }), 'messages.0.content.0.source.media_type', /application\/pdf/],
    ['PDF without data', pdf({ source: { type: 'base64', media_type: 'application/pdf' } }), 'messages.0.content.0.source.data', /Field required/],
    ['extra PDF source field', pdf({ source: { type: 'base64', media_type: 'application/pdf', data: PDF, url: 'u' } }), 'messages.0.content.0.source.url', /Extra inputs/],
    ['numeric document title', pdf({ title: 5 }), 'messages.0.content.0.title', /must be a string/],
    ['document context', pdf({ context: 'From the 2024 report.' }), 'messages.0.content.0.context', /not supported by this gateway/],
    ['document citations', pdf({ citations: { enabled: true } }), 'messages.0.content.0.citations', /not supported by this gateway/],
    ['non-boolean citations flag', pdf({ citations: { enabled: 'yes' } }), 'messages.0.content.0.citations.enabled', /boolean/],
    ['extra document field', pdf({ pages: [1] }), 'messages.0.content.0.pages', /Extra inputs/],
    ['document in an assistant turn', assistant([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF } }]), 'messages.1.content.0.type', /'document'.*assistant content/],
  ];

  it.each(cases)('%s → 400 at %s', (_name, body, param, message) => {
    const err = rejection(body);
    expect(err.code).toBe('GW_BAD_REQUEST');
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
    expect(err.message.startsWith(`${param}: `)).toBe(true);
    expect(err.message).toMatch(message);
  });
});
