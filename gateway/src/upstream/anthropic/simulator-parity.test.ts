import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimHandle } from '../../../../scenarios/src/sim/index.js';
import { GatewayError } from '../../errors.js';
import type { ChatChunk } from '../../pipeline/outcome.js';
import { SseParser } from '../../sse/parse.js';
import { messageToChatCompletion } from './chat-completion.js';
import { ChatChunkTranslator } from './chunk-stream.js';
import { chatToMessagesRequest } from './messages-request.js';

/**
 * The simulator answers the same conversation with the same content whichever API it is asked
 * in (same seed, same model). So an OpenAI request sent through the adapter to its Anthropic
 * endpoint must come back — JSON or stream — as what its OpenAI endpoint answers directly.
 */

const MODEL = 'claude-sim';
let sim: SimHandle;

beforeAll(async () => {
  sim = await startSimServer({ seed: 11 });
});
afterAll(async () => {
  await sim.close();
});

type Chat = Record<string, unknown>;

interface Answer {
  content: string | null;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finish: string;
  usage: Counts | undefined;
}

/** The counts both shapes report (OpenAI adds zero audio and prediction details that Anthropic has no word for). */
interface Counts {
  prompt: unknown;
  completion: unknown;
  total: unknown;
  cached: unknown;
}

function countsOf(usage: unknown): Counts | undefined {
  if (usage === undefined || usage === null) return undefined;
  const u = usage as { prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown; prompt_tokens_details?: { cached_tokens?: unknown } };
  return { prompt: u.prompt_tokens, completion: u.completion_tokens, total: u.total_tokens, cached: u.prompt_tokens_details?.cached_tokens };
}

async function post(path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  const res = await fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  expect(res.status, `${path} answered ${res.status}`).toBe(200);
  return res;
}

function answerOf(completion: Record<string, unknown>): Answer {
  const choice = (completion.choices as Array<{ message: Record<string, unknown>; finish_reason: string }>)[0];
  const calls = (choice.message.tool_calls ?? []) as Array<{ id: string; function: { name: string; arguments: string } }>;
  return {
    content: choice.message.content as string | null,
    toolCalls: calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
    finish: choice.finish_reason,
    usage: countsOf(completion.usage),
  };
}

async function direct(chat: Chat, seed: number, fault?: string): Promise<Answer> {
  const res = await post('/v1/chat/completions', { ...chat, model: MODEL }, { 'x-sim-seed': String(seed), ...(fault ? { 'x-sim-fault': fault } : {}) });
  return answerOf((await res.json()) as Record<string, unknown>);
}

function anthropicHeaders(seed: number, fault?: string): Record<string, string> {
  return { 'anthropic-version': '2023-06-01', 'x-sim-seed': String(seed), ...(fault ? { 'x-sim-fault': fault } : {}) };
}

async function viaAdapter(chat: Chat, seed: number, fault?: string): Promise<Answer> {
  const { body } = chatToMessagesRequest(chat, MODEL, { defaultMaxTokens: 4096 });
  const res = await post('/v1/messages', body, anthropicHeaders(seed, fault));
  return answerOf(messageToChatCompletion((await res.json()) as Record<string, unknown>, 1, 'sim'));
}

/** Streams through the adapter: the chunks in order, or the error the translator threw. */
async function streamViaAdapter(chat: Chat, seed: number, fault?: string): Promise<ChatChunk[]> {
  const { body } = chatToMessagesRequest({ ...chat, stream: true }, MODEL, { defaultMaxTokens: 4096 });
  const res = await post('/v1/messages', body, anthropicHeaders(seed, fault));
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const parser = new SseParser();
  const translator = new ChatChunkTranslator('sim', 1, { scrub: (s) => s });
  const chunks: ChatChunk[] = [];
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    for (const ev of parser.push(Buffer.from(bytes))) chunks.push(...translator.push(ev.event, ev.data));
  }
  for (const ev of parser.end()) chunks.push(...translator.push(ev.event, ev.data));
  expect(translator.finished).toBe(true);
  return chunks;
}

/** A client's view of a chunk stream, in the same shape as a JSON answer. */
function reassembled(chunks: ChatChunk[]): Answer {
  let content = '';
  let finish = '';
  let usage: Counts | undefined;
  const toolCalls: Answer['toolCalls'] = [];
  for (const chunk of chunks) {
    if (chunk.usage) usage = countsOf(chunk.usage);
    for (const choice of chunk.choices) {
      if (typeof choice.delta.content === 'string') content += choice.delta.content;
      for (const call of (choice.delta.tool_calls ?? []) as Array<{ index: number; id?: string; function: { name?: string; arguments: string } }>) {
        toolCalls[call.index] ??= { id: call.id ?? '', name: call.function.name ?? '', arguments: '' };
        toolCalls[call.index].arguments += call.function.arguments;
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  return { content: toolCalls.length > 0 && content === '' ? null : content, toolCalls, finish, usage };
}

/** Tool call ids differ by prefix only (`call_` / `toolu_`), the simulator's convention per API. */
const idFragment = (id: string) => id.replace(/^(call_|toolu_)/, '');
const withoutIdPrefix = (answer: Answer): Answer => ({ ...answer, toolCalls: answer.toolCalls.map((c) => ({ ...c, id: idFragment(c.id) })) });

const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['C', 'F'] } }, required: ['city', 'unit'] },
  },
};

describe('anthropic adapter against the simulator', () => {
  const conversation: Chat = {
    model: 'alias',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Tell me about rivers.' },
    ],
  };

  it('a text answer, JSON and streamed, equals the direct OpenAI answer for the same seed', async () => {
    for (const seed of [1, 2, 3, 42]) {
      const expected = await direct(conversation, seed);
      expect(expected.content).not.toBe('');
      expect(await viaAdapter(conversation, seed)).toEqual(expected);
      const streamed = reassembled(await streamViaAdapter(conversation, seed));
      expect(streamed).toEqual(expected);
    }
  });

  it('a cut answer finishes with length', async () => {
    const capped = { ...conversation, max_tokens: 3 };
    const expected = await direct(capped, 5);
    expect(expected.finish).toBe('length');
    expect(await viaAdapter(capped, 5)).toEqual(expected);
    expect(reassembled(await streamViaAdapter(capped, 5))).toEqual(expected);
  });

  it('a tool call has the same name, arguments and counts (prompt tokens differ: tools are framed per API)', async () => {
    const chat = { ...conversation, tools: [weather], tool_choice: 'required' };
    const expected = withoutIdPrefix(await direct(chat, 9));
    expect(expected.toolCalls).toHaveLength(1);
    expect(expected.finish).toBe('tool_calls');
    const strip = (a: Answer) => ({ ...withoutIdPrefix(a), usage: a.usage?.completion });
    const want = { ...expected, usage: expected.usage?.completion };
    expect(strip(await viaAdapter(chat, 9))).toEqual(want);
    expect(strip(reassembled(await streamViaAdapter(chat, 9)))).toEqual(want);
  });

  it('after tool results the Anthropic endpoint answers in text, so the tool_result turn was understood', async () => {
    const chat = {
      ...conversation,
      tools: [weather],
      messages: [
        ...(conversation.messages as unknown[]),
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo","unit":"C"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '4 degrees' },
      ],
    };
    for (const answer of [await viaAdapter(chat, 3), reassembled(await streamViaAdapter(chat, 3))]) {
      expect(answer.toolCalls).toEqual([]);
      expect(answer.finish).toBe('stop');
      expect(answer.content).not.toBe('');
    }
  });

  it('without upstream usage, neither the JSON answer nor the stream reports any', async () => {
    expect((await viaAdapter(conversation, 1, 'missing-usage')).usage).toBeUndefined();
    const chunks = await streamViaAdapter(conversation, 1, 'missing-usage');
    expect(chunks.some((c) => c.usage !== undefined)).toBe(false);
    expect(reassembled(chunks).content).toBe((await direct(conversation, 1)).content);
  });

  it('a malformed event mid-stream is a retryable malformed-chunk error', async () => {
    const err = await streamViaAdapter(conversation, 1, 'malformed-after=2').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: 'GW_UPSTREAM_STREAM_BROKEN', clientCode: 'upstream_malformed_chunk', retryable: true, provider: 'sim' });
  });
});
