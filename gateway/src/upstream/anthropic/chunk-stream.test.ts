import type Anthropic from '@anthropic-ai/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors.js';
import type { ChatChunk } from '../../pipeline/outcome.js';
import { SseParser } from '../../sse/parse.js';
import { messageToChatCompletion } from './chat-completion.js';
import { ChatChunkTranslator } from './chunk-stream.js';
import { message, messageEventsText, redactedThinking, text, thinking, toolUse, usage, type Splitter } from './test/messages.js';

const CREATED = 1_760_000_000;
const PROVIDER = 'claude-prod';
const ID = 'msg_01XFDUDYJgAACzvnptvVoYEL';
const MODEL = 'claude-sonnet-4-6';

const translator = (scrub: (s: string) => string = (s) => s) => new ChatChunkTranslator(PROVIDER, CREATED, { scrub });

/** Feeds Anthropic events (as objects) one by one, returning every chunk. */
function run(events: Array<Record<string, unknown>>, t = translator()): ChatChunk[] {
  return events.flatMap((event) => t.push(String(event.type), JSON.stringify(event)));
}

const START = { type: 'message_start', message: { ...message([]), stop_reason: null, usage: usage({ input_tokens: 25, output_tokens: 1 }) } };
const chunkOf = (delta: Record<string, unknown>, finish: string | null = null): ChatChunk => ({
  id: ID,
  object: 'chat.completion.chunk',
  created: CREATED,
  model: MODEL,
  choices: [{ index: 0, delta, finish_reason: finish }],
});

type ThinkingBlock = { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string };

/**
 * What a client rebuilds from the chunks: choice 0's text, reasoning, thinking blocks, tool
 * calls, finish, usage. A thinking block is the reasoning text since the previous block,
 * closed by its signature; a redacted block comes whole.
 */
function reassemble(chunks: ChatChunk[]) {
  let content = '';
  let reasoning: string | undefined;
  let unsigned = '';
  const thinkingBlocks: ThinkingBlock[] = [];
  const toolCalls: Array<{ id: string; type: string; function: { name: string; arguments: string } }> = [];
  let finish: string | null | undefined;
  let reportedUsage: unknown;
  for (const chunk of chunks) {
    expect(chunk).toMatchObject({ id: ID, object: 'chat.completion.chunk', created: CREATED, model: MODEL });
    if (chunk.usage) reportedUsage = chunk.usage;
    for (const choice of chunk.choices) {
      const delta = choice.delta;
      if (typeof delta.content === 'string') content += delta.content;
      if (typeof delta.reasoning_content === 'string') {
        reasoning = (reasoning ?? '') + delta.reasoning_content;
        unsigned += delta.reasoning_content;
      }
      for (const block of (delta.thinking_blocks ?? []) as ThinkingBlock[]) {
        if (block.type === 'thinking') {
          thinkingBlocks.push({ ...block, thinking: unsigned + block.thinking });
          unsigned = '';
        } else thinkingBlocks.push(block);
      }
      for (const call of (delta.tool_calls ?? []) as Array<{ index: number; id?: string; type?: string; function: { name?: string; arguments: string } }>) {
        const known = toolCalls[call.index];
        if (known === undefined) toolCalls[call.index] = { id: call.id ?? '', type: call.type ?? '', function: { name: call.function.name ?? '', arguments: call.function.arguments } };
        else known.function.arguments += call.function.arguments;
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  return { content, reasoning, thinkingBlocks, toolCalls, finish, usage: reportedUsage };
}

function thrown(action: () => unknown): GatewayError {
  try {
    action();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('ChatChunkTranslator', () => {
  it('streams a text answer as OpenAI chunks: role, content deltas, finish, usage', () => {
    const t = translator();
    const chunks = run(
      [
        START,
        { type: 'content_block_start', index: 0, content_block: text('') },
        { type: 'ping' },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' there.' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 12 } },
      ],
      t,
    );
    expect(t.finished).toBe(false);
    chunks.push(...t.push('message_stop', '{"type":"message_stop"}'));
    expect(t.finished).toBe(true);
    expect(chunks).toEqual([
      chunkOf({ role: 'assistant', content: '' }),
      chunkOf({ content: 'Hello' }),
      chunkOf({ content: ' there.' }),
      chunkOf({}, 'stop'),
      {
        id: ID,
        object: 'chat.completion.chunk',
        created: CREATED,
        model: MODEL,
        choices: [],
        usage: { prompt_tokens: 25, completion_tokens: 12, total_tokens: 37, prompt_tokens_details: { cached_tokens: 0 } },
      },
    ]);
    // After message_stop nothing more comes out.
    expect(t.push('content_block_delta', '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"late"}}')).toEqual([]);
  });

  it('numbers tool calls from 0 across the message, and sends "{}" for a call whose input streamed no JSON', () => {
    const chunks = run([
      START,
      { type: 'content_block_start', index: 0, content_block: text('') },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Checking.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: toolUse('toolu_1', 'get_weather', {}) },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": "Par' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'is"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: toolUse('toolu_2', 'now', {}) },
      { type: 'content_block_stop', index: 2 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 40 } },
    ]);
    expect(chunks.slice(2)).toEqual([
      chunkOf({ tool_calls: [{ index: 0, id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunkOf({ tool_calls: [{ index: 0, function: { arguments: '{"city": "Par' } }] }),
      chunkOf({ tool_calls: [{ index: 0, function: { arguments: 'is"}' } }] }),
      chunkOf({ tool_calls: [{ index: 1, id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '' } }] }),
      chunkOf({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] }),
      chunkOf({}, 'tool_calls'),
    ]);
  });

  it('streams thinking as reasoning_content, signatures and redacted thinking as thinking_blocks, and drops citations', () => {
    const chunks = run([
      START,
      { type: 'content_block_start', index: 0, content_block: thinking('', '') },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Paris is in France.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: redactedThinking('EncryptedBlob') },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: text('') },
      { type: 'content_block_delta', index: 2, delta: { type: 'citations_delta', citation: { type: 'char_location', cited_text: 'x' } } },
      { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'Paris.' } },
    ]);
    expect(chunks.slice(1)).toEqual([
      chunkOf({ reasoning_content: 'Paris is in France.' }),
      chunkOf({ thinking_blocks: [{ type: 'thinking', thinking: '', signature: 'EqQBCgIYAhIM' }] }),
      chunkOf({ thinking_blocks: [{ type: 'redacted_thinking', data: 'EncryptedBlob' }] }),
      chunkOf({ content: 'Paris.' }),
    ]);
  });

  it('tells a thinking block that arrives whole at its start as its text, then its signature', () => {
    const chunks = run([START, { type: 'content_block_start', index: 0, content_block: thinking('All at once.', 'EqSig') }, { type: 'content_block_stop', index: 0 }]);
    expect(chunks.slice(1)).toEqual([chunkOf({ reasoning_content: 'All at once.' }), chunkOf({ thinking_blocks: [{ type: 'thinking', thinking: '', signature: 'EqSig' }] })]);
  });

  it('builds usage from message_start input counts (cache included) and message_delta output counts', () => {
    const cachedStart = { ...START, message: { ...START.message, usage: usage({ input_tokens: 10, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 1 }) } };
    const chunks = run([cachedStart, { type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 64 } }, { type: 'message_stop' }]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason)).toEqual([null, 'length', undefined]);
    expect(chunks[2].usage).toEqual({
      prompt_tokens: 1210,
      completion_tokens: 64,
      total_tokens: 1274,
      prompt_tokens_details: { cached_tokens: 1000 },
      cache_creation_input_tokens: 200,
    });
    // Newer API versions repeat cumulative input counts in message_delta: those win.
    const cumulative = run([cachedStart, { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { input_tokens: 15, cache_read_input_tokens: null, output_tokens: 64 } }, { type: 'message_stop' }]);
    expect(cumulative[2].usage).toMatchObject({ prompt_tokens: 1215, completion_tokens: 64 });
  });

  it('sends no usage chunk when message_delta reports no usage (the caller then counts)', () => {
    const { usage: _, ...noUsage } = START.message;
    const chunks = run([{ type: 'message_start', message: noUsage }, { type: 'message_delta', delta: { stop_reason: 'end_turn' } }, { type: 'message_stop' }]);
    expect(chunks).toEqual([chunkOf({ role: 'assistant', content: '' }), chunkOf({}, 'stop')]);
    // message_start's output count is a placeholder: not reported as the answer's.
    expect(run([START, { type: 'message_delta', delta: { stop_reason: 'end_turn' } }, { type: 'message_stop' }])).toHaveLength(2);
  });

  it('ignores pings and event types it does not know, and reads the type from the event name when the data has none', () => {
    const t = translator();
    expect(t.push('ping', '{"type": "ping"}')).toEqual([]);
    expect(t.push('message_start', JSON.stringify(START))).toHaveLength(1);
    expect(t.push('compaction_progress', '{"type":"compaction_progress","percent":40}')).toEqual([]);
    expect(t.push(undefined, '{"type":"some_future_event"}')).toEqual([]);
    expect(t.push('content_block_delta', '{"index":0,"delta":{"type":"text_delta","text":"Hi"}}')).toEqual([chunkOf({ content: 'Hi' })]);
  });

  it('throws a retryable stream error for an error event, with the message scrubbed', () => {
    const t = translator((s) => s.replaceAll('sk-ant-secret', '[REDACTED]'));
    t.push('message_start', JSON.stringify(START));
    const err = thrown(() => t.push('error', '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded for key sk-ant-secret"}}'));
    expect(err).toMatchObject({ code: 'GW_UPSTREAM_STREAM_BROKEN', status: 502, retryable: true, provider: PROVIDER, clientCode: 'upstream_stream_error' });
    expect(err.message).toBe('provider claude-prod reported an error mid-stream: Overloaded for key [REDACTED]');
    // Also before message_start, and with no message at all.
    expect(thrown(() => translator().push('error', '{"type":"error","error":{"type":"api_error"}}')).message).toBe('provider claude-prod reported an error mid-stream: api_error');
  });

  it('throws a retryable malformed-chunk error for events it cannot read', () => {
    const started = () => {
      const t = translator();
      t.push('message_start', JSON.stringify(START));
      return t;
    };
    const cases: Array<[() => ChatChunkTranslator, string | undefined, string, RegExp]> = [
      [started, 'content_block_delta', '{not json', /not JSON/],
      [started, 'content_block_delta', '[1,2]', /not a JSON object/],
      [translator, 'content_block_delta', '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}', /before message_start/],
      [translator, 'message_start', '{"type":"message_start"}', /without a message/],
      [started, 'content_block_delta', '{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{"}}', /outside a tool_use block/],
      [started, 'content_block_delta', '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta"}}', /without text/],
      [started, 'content_block_start', '{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","input":{}}}', /without index, id or name/],
      [started, 'content_block_delta', '{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta"}}', /signature_delta without a signature/],
      [started, 'content_block_start', '{"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking"}}', /redacted_thinking block without data/],
    ];
    for (const [make, event, data, message] of cases) {
      const err = thrown(() => make().push(event, data));
      expect(err).toMatchObject({ code: 'GW_UPSTREAM_STREAM_BROKEN', retryable: true, provider: PROVIDER, clientCode: 'upstream_malformed_chunk' });
      expect(err.message).toMatch(/^stream from provider claude-prod carried /);
      expect(err.message).toMatch(message);
    }
  });
});

describe('ChatChunkTranslator against messageToChatCompletion (property)', () => {
  // Signatures and redacted data are opaque to the gateway: any code points or lone UTF-16 code units must come out as they went in.
  const opaque = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) }));
  const block: fc.Arbitrary<Anthropic.ContentBlock> = fc.oneof(
    fc.string({ unit: 'grapheme' }).map(text),
    fc.tuple(fc.string({ unit: 'grapheme' }), opaque).map(([t, signature]) => thinking(t, signature)),
    opaque.map(redactedThinking),
    fc
      .record({ id: fc.string({ minLength: 1 }), name: fc.string({ minLength: 1 }), input: fc.dictionary(fc.string(), fc.jsonValue()) })
      .map(({ id, name, input }) => toolUse(id, name, input)),
  );
  const answer = fc
    .record({
      content: fc.array(block, { maxLength: 6 }),
      stop_reason: fc.constantFrom<Anthropic.StopReason>('end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal'),
      counts: fc.record({ input_tokens: fc.nat(), output_tokens: fc.nat(), cache_read_input_tokens: fc.option(fc.nat()), cache_creation_input_tokens: fc.option(fc.nat()) }),
    })
    .map(({ content, stop_reason, counts }) => message(content, { stop_reason, usage: usage(counts) }));
  /** Delta pieces of 1 to 12 code points, lengths cycling through `sizes`; a size 0 adds an empty piece. */
  const splitter: fc.Arbitrary<Splitter> = fc.array(fc.nat({ max: 12 }), { minLength: 1, maxLength: 8 }).map((sizes) => (value) => {
    const points = Array.from(value);
    const pieces: string[] = [];
    for (let at = 0, k = 0; at < points.length; k++) {
      const size = sizes[k % sizes.length];
      if (size === 0) pieces.push('');
      const take = Math.max(1, size);
      pieces.push(points.slice(at, at + take).join(''));
      at += take;
    }
    return pieces;
  });

  it('any split of the SSE bytes reassembles to the JSON translation of the whole message', () => {
    fc.assert(
      fc.property(answer, splitter, fc.boolean(), fc.array(fc.nat(), { maxLength: 40 }), (whole, split, withUsage, cuts) => {
        const bytes = Buffer.from(messageEventsText(whole, split, withUsage), 'utf8');
        const offsets = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const parser = new SseParser();
        const t = translator();
        const chunks: ChatChunk[] = [];
        let from = 0;
        for (const to of [...offsets, bytes.length]) {
          for (const ev of parser.push(bytes.subarray(from, to))) chunks.push(...t.push(ev.event, ev.data));
          from = to;
        }
        for (const ev of parser.end()) chunks.push(...t.push(ev.event, ev.data));
        expect(t.finished).toBe(true);

        const completion = messageToChatCompletion(whole as unknown as Record<string, unknown>, CREATED, PROVIDER);
        const choice = (completion.choices as Array<{ message: Record<string, unknown>; finish_reason: string }>)[0];
        const rebuilt = reassemble(chunks);
        expect(rebuilt.content).toBe(choice.message.content ?? '');
        expect(rebuilt.reasoning).toBe(choice.message.reasoning_content);
        expect(rebuilt.thinkingBlocks).toEqual(choice.message.thinking_blocks ?? []);
        expect(rebuilt.toolCalls).toEqual(choice.message.tool_calls ?? []);
        expect(rebuilt.finish).toBe(choice.finish_reason);
        expect(rebuilt.usage).toEqual(withUsage ? completion.usage : undefined);
      }),
      { numRuns: 300 },
    );
  });
});
