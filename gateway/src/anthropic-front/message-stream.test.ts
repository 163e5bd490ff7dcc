import Anthropic from '@anthropic-ai/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import type { ChatChunk } from '../pipeline/outcome.js';
import { chatCompletionToMessage } from './message-response.js';
import { MessageStreamWriter } from './message-stream.js';

const write = (chunks: ChatChunk[], opts: { fallbackModel: string; inputTokens?: number } = { fallbackModel: 'route-model' }): string => {
  const writer = new MessageStreamWriter(opts);
  return chunks.map((c) => writer.push(c)).join('') + writer.end();
};

const chunk = (delta: ChatChunk['choices'][number]['delta'], finish: string | null = null): ChatChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const usageChunk = (prompt: number, completion: number, cached = 0, cacheWrites?: number): ChatChunk => ({
  id: 'chatcmpl-1',
  choices: [],
  usage: { prompt_tokens: prompt, completion_tokens: completion, prompt_tokens_details: { cached_tokens: cached }, ...(cacheWrites === undefined ? {} : { cache_creation_input_tokens: cacheWrites }) },
});

/** The events of an SSE text, each checked to carry its event name as its `type`. */
function events(sse: string): Array<Record<string, unknown>> {
  return sse
    .split('\n\n')
    .filter((f) => f !== '')
    .map((f) => {
      const [eventLine, dataLine, ...rest] = f.split('\n');
      expect(rest).toEqual([]);
      const payload = JSON.parse(dataLine.slice('data: '.length)) as Record<string, unknown>;
      expect(eventLine).toBe(`event: ${String(payload.type)}`);
      return payload;
    });
}

/** Anthropic's ordering rules: one message, blocks opened in index order, one at a time. */
function expectWellFormed(sse: string): void {
  const evs = events(sse);
  expect(evs[0].type).toBe('message_start');
  expect(evs.slice(-2).map((e) => e.type)).toEqual(['message_delta', 'message_stop']);
  let open = -1;
  let next = 0;
  for (const e of evs.slice(1, -2)) {
    if (e.type === 'content_block_start') {
      expect(open).toBe(-1);
      expect(e.index).toBe(next);
      open = next++;
    } else {
      expect(['content_block_delta', 'content_block_stop']).toContain(e.type);
      expect(e.index).toBe(open);
      if (e.type === 'content_block_stop') open = -1;
    }
  }
  expect(open).toBe(-1);
}

/** What the official SDK's stream accumulator makes of the SSE text (its fetch answers with it). */
async function sdkFinalMessage(sse: string): Promise<Record<string, unknown>> {
  const client = new Anthropic({
    apiKey: 'test',
    maxRetries: 0,
    fetch: async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }),
  });
  const { parsed_output: _parsed, ...message } = await client.messages.stream({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
  return message;
}

describe('MessageStreamWriter', () => {
  it('frames a text answer exactly as Anthropic does', () => {
    const sse = write([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop'), usageChunk(12, 2, 4)], {
      fallbackModel: 'route-model',
      inputTokens: 9,
    });
    expect(sse).toBe(
      [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_chatcmpl-1","type":"message","role":"assistant","model":"gpt-4o-mini","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":9,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":null,"output_tokens":0}}}\n\n',
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}\n\n',
        'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2,"input_tokens":8,"cache_creation_input_tokens":0,"cache_read_input_tokens":4}}\n\n',
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
      ].join(''),
    );
  });

  it('opens one tool_use block per tool call index, streaming the argument fragments', () => {
    const sse = write([
      chunk({ role: 'assistant', content: 'Checking.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'clock', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expectWellFormed(sse);
    const evs = events(sse).filter((e) => String(e.type).startsWith('content_block') || e.type === 'message_delta');
    expect(evs).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Checking.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_a', name: 'weather', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_b', name: 'clock', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 0, input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } },
    ]);
  });

  it('streams reasoning_content as a thinking block closed by the text that follows', () => {
    const evs = events(write([chunk({ reasoning_content: 'Think' }), chunk({ reasoning_content: 'ing.' }), chunk({ content: 'Done.' }), chunk({}, 'stop')]));
    expect(evs.filter((e) => String(e.type).startsWith('content_block'))).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Think' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'ing.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Done.' } },
      { type: 'content_block_stop', index: 1 },
    ]);
  });

  it('ends a thinking block with its signature and sends a redacted block whole', () => {
    const sse = write([
      chunk({ role: 'assistant', content: '' }),
      chunk({ reasoning_content: 'Let me ' }),
      chunk({ reasoning_content: 'think.' }),
      chunk({ thinking_blocks: [{ type: 'thinking', thinking: '', signature: 'sig-1' }] }),
      chunk({ thinking_blocks: [{ type: 'redacted_thinking', data: 'ENCRYPTED' }] }),
      chunk({ reasoning_content: 'Again.' }),
      chunk({ thinking_blocks: [{ type: 'thinking', thinking: '', signature: 'sig-2' }] }),
      chunk({ thinking_blocks: [{ type: 'thinking', thinking: '', signature: 'sig-3' }] }),
      chunk({ content: 'Hi.' }),
      chunk({}, 'stop'),
    ]);
    expectWellFormed(sse);
    expect(sse).toContain(
      [
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"think."}}\n\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig-1"}}\n\n',
        'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
        'event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"ENCRYPTED"}}\n\n',
        'event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n',
      ].join(''),
    );
    const evs = events(sse).filter((e) => String(e.type).startsWith('content_block'));
    expect(evs.slice(7)).toEqual([
      { type: 'content_block_start', index: 2, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'thinking_delta', thinking: 'Again.' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'signature_delta', signature: 'sig-2' } },
      { type: 'content_block_stop', index: 2 },
      // A signature with no thinking text before it: a signed block with empty thinking.
      { type: 'content_block_start', index: 3, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 3, delta: { type: 'signature_delta', signature: 'sig-3' } },
      { type: 'content_block_stop', index: 3 },
      { type: 'content_block_start', index: 4, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 4, delta: { type: 'text_delta', text: 'Hi.' } },
      { type: 'content_block_stop', index: 4 },
    ]);
  });

  it('takes thinking text from reasoning_content only, not again from thinking_blocks entries (LiteLLM sends both)', () => {
    const evs = events(
      write([
        chunk({ reasoning_content: 'Hmm.', thinking_blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: null }] }),
        chunk({ thinking_blocks: [{ type: 'thinking', thinking: '', signature: 'sig' }, { type: 'tool_thoughts' }, 'x'] }),
        chunk({}, 'stop'),
      ]),
    );
    expect(evs.filter((e) => e.type === 'content_block_delta').map((e) => e.delta)).toEqual([
      { type: 'thinking_delta', thinking: 'Hmm.' },
      { type: 'signature_delta', signature: 'sig' },
    ]);
  });

  it('reports cache writes apart from input tokens in message_start and message_delta', () => {
    const writer = new MessageStreamWriter({ fallbackModel: 'route-model', inputTokens: 5 });
    const start = events(writer.push(usageChunk(1000, 0, 600, 300)))[0];
    expect(start.message).toMatchObject({ usage: { input_tokens: 100, cache_creation_input_tokens: 300, cache_read_input_tokens: 600, output_tokens: 0 } });
    writer.push(chunk({ content: 'x' }, 'stop'));
    writer.push(usageChunk(1000, 7, 600, 300));
    expect(events(writer.end()).at(-2)).toMatchObject({ usage: { output_tokens: 7, input_tokens: 100, cache_creation_input_tokens: 300, cache_read_input_tokens: 600 } });
  });

  it('takes input tokens from a usage chunk that came before the first content', () => {
    const writer = new MessageStreamWriter({ fallbackModel: 'route-model', inputTokens: 5 });
    const start = events(writer.push(usageChunk(30, 0, 10)))[0];
    expect(start.message).toMatchObject({ usage: { input_tokens: 20, cache_read_input_tokens: 10, output_tokens: 0 } });
  });

  it('ignores choices other than index 0', () => {
    const other: ChatChunk = { id: 'c', model: 'm', choices: [{ index: 1, delta: { content: 'second' }, finish_reason: 'length' }] };
    const evs = events(write([chunk({ content: 'first' }), other, chunk({}, 'stop')]));
    expect(evs.filter((e) => e.type === 'content_block_delta').map((e) => e.delta)).toEqual([{ type: 'text_delta', text: 'first' }]);
    expect(evs.at(-2)).toMatchObject({ delta: { stop_reason: 'end_turn' } });
  });

  it('closes a stream without chunks as a well-formed empty message', async () => {
    const writer = new MessageStreamWriter({ fallbackModel: 'route-model', inputTokens: 3 });
    const sse = writer.end();
    expectWellFormed(sse);
    expect(await sdkFinalMessage(sse)).toEqual({
      id: 'msg_unknown',
      type: 'message',
      role: 'assistant',
      model: 'route-model',
      content: [{ type: 'text', text: '' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cache_creation: null, output_tokens: 0 },
    });
  });

  it('ends with an error event that the SDK raises, after which nothing is written', async () => {
    const writer = new MessageStreamWriter({ fallbackModel: 'm' });
    const head = writer.push(chunk({ content: 'partial' }));
    const error = writer.error('overloaded_error', 'Upstream is overloaded');
    expect(error).toBe('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Upstream is overloaded"}}\n\n');
    expect(writer.push(chunk({ content: 'more' }))).toBe('');
    expect(writer.end()).toBe('');
    expect(writer.error('api_error', 'again')).toBe('');
    await expect(sdkFinalMessage(head + error)).rejects.toThrow(/Upstream is overloaded/);
  });

  it('refuses a tool call that resumes after its block was closed', () => {
    const writer = new MessageStreamWriter({ fallbackModel: 'm' });
    writer.push(chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x":' } }] }));
    writer.push(chunk({ tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '{}' } }] }));
    let caught: unknown;
    try {
      writer.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect(caught).toMatchObject({ code: 'GW_UPSTREAM_STREAM_BROKEN', retryable: true });
  });

  it('reassembles, through the official SDK, into the message the JSON translation gives', async () => {
    const key = fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__');
    const toolCall = fc.record({
      id: fc.string({ maxLength: 8 }),
      name: fc.string({ minLength: 1, maxLength: 8 }),
      input: fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    });
    // Signed thinking as an Anthropic provider gives it; an empty signature would not mark where its block ends.
    const thinkingBlock = fc.oneof(
      fc.record({ type: fc.constant('thinking' as const), thinking: fc.string({ unit: 'binary', maxLength: 20 }), signature: fc.base64String({ minLength: 4, maxLength: 40 }) }),
      fc.record({ type: fc.constant('redacted_thinking' as const), data: fc.base64String({ maxLength: 40 }) }),
    );
    const answer = fc.record({
      id: fc.constantFrom('chatcmpl-9', 'msg_01', ''),
      model: fc.constantFrom('gpt-4o-mini', ''),
      // Unsigned reasoning (OpenAI-style upstreams) or signed thinking blocks (an Anthropic provider).
      reasoning: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.array(thinkingBlock, { minLength: 1, maxLength: 4 })),
      // LiteLLM repeats each thinking fragment in a thinking_blocks entry without signature.
      litellmEcho: fc.boolean(),
      text: fc.oneof(fc.constant(''), fc.string({ unit: 'binary', maxLength: 60 })),
      // OpenAI sends a refusal instead of content; both read as text.
      asRefusal: fc.boolean(),
      tools: fc.array(toolCall, { maxLength: 3 }),
      finish: fc.constantFrom('stop', 'length', 'tool_calls', 'content_filter', null),
      usage: fc.option(fc.record({ prompt: fc.nat(100_000), completion: fc.nat(100_000), cached: fc.nat(100_000), cacheWrites: fc.option(fc.nat(100_000), { nil: undefined }) }), { nil: undefined }),
      cuts: fc.array(fc.nat(), { maxLength: 12 }),
    });

    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        const usage = a.usage && {
          prompt_tokens: a.usage.prompt,
          completion_tokens: a.usage.completion,
          prompt_tokens_details: { cached_tokens: a.usage.cached },
          ...(a.usage.cacheWrites === undefined ? {} : { cache_creation_input_tokens: a.usage.cacheWrites }),
        };
        const toolCalls = a.tools.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: JSON.stringify(t.input) } }));
        const textField = a.asRefusal ? 'refusal' : 'content';
        const message: Record<string, unknown> = { role: 'assistant', content: null, [textField]: a.text === '' && toolCalls.length > 0 ? null : a.text };
        const blocks = typeof a.reasoning === 'string' ? [] : a.reasoning;
        const reasoning = typeof a.reasoning === 'string' ? a.reasoning : blocks.map((b) => (b.type === 'thinking' ? b.thinking : '')).join('');
        if (reasoning !== '') message.reasoning_content = reasoning;
        if (blocks.length > 0) message.thinking_blocks = blocks;
        if (toolCalls.length > 0) message.tool_calls = toolCalls;
        const completion = { id: a.id, object: 'chat.completion', model: a.model, choices: [{ index: 0, message, finish_reason: a.finish }], usage };

        // The same answer as OpenAI streams it, each text cut at random places.
        const split = (s: string): string[] => {
          const points = [...new Set(a.cuts.map((c) => c % (s.length + 1)))].sort((x, y) => x - y);
          return [...points, s.length].map((p, i) => s.slice(i === 0 ? 0 : points[i - 1], p));
        };
        const c = (delta: ChatChunk['choices'][number]['delta'], finish: string | null = null): ChatChunk => ({
          id: a.id,
          model: a.model,
          choices: [{ index: 0, delta, finish_reason: finish }],
        });
        const chunks: ChatChunk[] = [c({ role: 'assistant', content: '' })];
        const think = (text: string) => {
          for (const piece of split(text)) {
            chunks.push(c(a.litellmEcho ? { reasoning_content: piece, thinking_blocks: [{ type: 'thinking', thinking: piece, signature: null }] } : { reasoning_content: piece }));
          }
        };
        if (typeof a.reasoning === 'string') think(a.reasoning);
        for (const block of blocks) {
          if (block.type === 'redacted_thinking') {
            chunks.push(c({ thinking_blocks: [block] }));
            continue;
          }
          think(block.thinking);
          chunks.push(c({ thinking_blocks: [{ type: 'thinking', thinking: '', signature: block.signature }] }));
        }
        for (const piece of split(a.text)) chunks.push(c({ [textField]: piece }));
        toolCalls.forEach((call, index) => {
          split(call.function.arguments).forEach((piece, n) => {
            const fragment = n === 0 ? { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: piece } } : { index, function: { arguments: piece } };
            chunks.push(c({ tool_calls: [fragment] }));
          });
        });
        chunks.push(c({}, a.finish));
        if (usage) chunks.push({ id: a.id, model: a.model, choices: [], usage });

        const sse = write(chunks, { fallbackModel: 'route-model' });
        expectWellFormed(sse);
        expect(await sdkFinalMessage(sse)).toEqual(chatCompletionToMessage(completion, 'route-model'));
      }),
      { numRuns: 200 },
    );
  });
});
