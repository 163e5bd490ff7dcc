import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTR, SLUICE } from '../../collector/src/model/semconv.js';
import { type Harness, SIM_HEADERS, eventually, inMemoryTelemetry, simConfig, startHarness } from './harness.js';

// What Claude Code and other Anthropic clients rely on must survive the trip through Sluice
// to an Anthropic provider: extended thinking, signed thinking blocks sent back in tool loops
// (Anthropic refuses a tool loop whose signatures changed), cache_control breakpoints (prompt
// caching) and PDF documents. A scripted Anthropic upstream answers with thinking, a signature
// and a redacted block, and records what it was sent.

const SIGNATURE = 'EqQBCkYIARgCIkDsig/+nature==';
let received: Array<Record<string, unknown>> = [];
let upstream: Server;
let upstreamUrl = '';

// 10 cache writes: 4 kept for 5 minutes, 6 for an hour (billed at 1.25× and 2× input).
const usage = { input_tokens: 50, cache_creation_input_tokens: 10, cache_read_input_tokens: 30, cache_creation: { ephemeral_5m_input_tokens: 4, ephemeral_1h_input_tokens: 6 } };

function answer(res: import('node:http').ServerResponse, stream: boolean, model: string): void {
  const id = 'msg_scripted01';
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id, type: 'message', role: 'assistant', model, stop_reason: 'end_turn', stop_sequence: null,
        content: [
          { type: 'thinking', thinking: 'Let me think.', signature: SIGNATURE },
          { type: 'redacted_thinking', data: 'ENCRYPTED' },
          { type: 'text', text: 'Hello there.' },
        ],
        usage: { ...usage, output_tokens: 12 },
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const ev = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
  res.write(ev('message_start', { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }));
  res.write(ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }));
  res.write(ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'Let me ' } }));
  res.write(ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'think.' } }));
  res.write(ev('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: SIGNATURE } }));
  res.write(ev('content_block_stop', { index: 0 }));
  res.write(ev('content_block_start', { index: 1, content_block: { type: 'redacted_thinking', data: 'ENCRYPTED' } }));
  res.write(ev('content_block_stop', { index: 1 }));
  res.write(ev('content_block_start', { index: 2, content_block: { type: 'text', text: '' } }));
  res.write(ev('content_block_delta', { index: 2, delta: { type: 'text_delta', text: 'Hello ' } }));
  res.write(ev('content_block_delta', { index: 2, delta: { type: 'text_delta', text: 'there.' } }));
  res.write(ev('content_block_stop', { index: 2 }));
  res.write(ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 12 } }));
  res.end(ev('message_stop', {}));
}

function startScriptedAnthropic(): Promise<void> {
  upstream = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      received.push(body);
      answer(res, body.stream === true, String(body.model));
    });
  });
  return new Promise((resolve) =>
    upstream.listen(0, '127.0.0.1', () => {
      upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
      resolve();
    }),
  );
}

const telemetry = inMemoryTelemetry();
let h: Harness;
let anthropic: Anthropic;

beforeAll(async () => {
  await startScriptedAnthropic();
  h = await startHarness({
    gateway: { telemetry },
    config: (url) =>
      simConfig(url, {
        providers: [
          { name: 'sim', kind: 'openai', baseUrl: `${url}/v1`, apiKey: { env: 'SIM_TEST_KEY' }, forwardHeaders: SIM_HEADERS },
          { name: 'claude', kind: 'anthropic', baseUrl: upstreamUrl, apiKey: { env: 'SIM_TEST_KEY' } },
        ],
        models: { 'sim-fast': { provider: 'sim', model: 'sim-fast' }, 'claude-x': { provider: 'claude', model: 'claude-sonnet-4-5' } },
      }),
  });
  anthropic = new Anthropic({ baseURL: h.gw.url, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
  upstream.closeAllConnections();
  await new Promise<void>((r) => upstream.close(() => r()));
});
beforeEach(() => {
  received = [];
  telemetry.exporter.reset();
});

const ephemeral = { type: 'ephemeral' as const };
const tools: Anthropic.Tool[] = [
  { name: 'read_file', description: 'reads a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } }, cache_control: ephemeral },
];
/** A Claude Code-like turn: cached system prompt, thinking on, a tool loop with signed thinking in history. */
const toolLoop = (stream: boolean): Anthropic.MessageCreateParams => ({
  model: 'claude-x',
  max_tokens: 4096,
  stream,
  thinking: { type: 'enabled', budget_tokens: 2048 },
  system: [{ type: 'text', text: 'You are a coding agent.', cache_control: ephemeral }],
  tools,
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'Read the config.', cache_control: ephemeral }] },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should read it.', signature: SIGNATURE },
        { type: 'redacted_thinking', data: 'OPAQUE' },
        { type: 'tool_use', id: 'toolu_01', name: 'read_file', input: { path: 'sluice.yaml' } },
      ],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'port: 8080', cache_control: ephemeral }] },
  ],
});

function expectSentFaithfully(sent: Record<string, unknown>): void {
  expect(sent.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
  expect(sent.system).toEqual([{ type: 'text', text: 'You are a coding agent.', cache_control: ephemeral }]);
  expect((sent.tools as Array<Record<string, unknown>>)[0].cache_control).toEqual(ephemeral);
  const messages = sent.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
  expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  expect(messages[0].content).toEqual([{ type: 'text', text: 'Read the config.', cache_control: ephemeral }]);
  expect(messages[1].content).toEqual([
    { type: 'thinking', thinking: 'I should read it.', signature: SIGNATURE },
    { type: 'redacted_thinking', data: 'OPAQUE' },
    { type: 'tool_use', id: 'toolu_01', name: 'read_file', input: { path: 'sluice.yaml' } },
  ]);
  expect(messages[2].content).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'port: 8080', cache_control: ephemeral }]);
}

const expectedContent = [
  { type: 'thinking', thinking: 'Let me think.', signature: SIGNATURE },
  { type: 'redacted_thinking', data: 'ENCRYPTED' },
  { type: 'text', text: 'Hello there.' },
];

describe('Anthropic client → Sluice → Anthropic provider keeps what Anthropic features need', () => {
  it('JSON: thinking, signed and redacted thinking history, cache breakpoints go up; signatures and cache usage come back', async () => {
    const msg = (await anthropic.messages.create(toolLoop(false))) as Anthropic.Message;
    expect(received).toHaveLength(1);
    expectSentFaithfully(received[0]);
    expect(msg.content).toEqual(expectedContent);
    expect(msg.usage).toMatchObject({ input_tokens: 50, cache_creation_input_tokens: 10, cache_read_input_tokens: 30, cache_creation: usage.cache_creation, output_tokens: 12 });
    // Stored usage counts every prompt token, and says which were cache reads and writes;
    // the call is priced with each at its own rate (claude-sonnet-4-5: $3 in, $0.30 read,
    // $3.75 for a 5-minute write, $6 for a 1-hour write, $15 out per MTok).
    const server = (await eventually(() => telemetry.spans(), (s) => s.some((x) => x.kind === SpanKind.SERVER))).find((x) => x.kind === SpanKind.SERVER)!;
    expect(server.attributes).toMatchObject({
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 90,
      [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 30,
      [ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: 10,
      [SLUICE.COST_MICRO_USD]: Math.ceil(50 * 3 + 30 * 0.3 + 4 * 3.75 + 6 * 6 + 12 * 15),
    });
  });

  it('stream: the SDK assembles the same signed thinking, redacted block and text', async () => {
    const final = await anthropic.messages.stream(toolLoop(true) as Anthropic.MessageStreamParams).finalMessage();
    expectSentFaithfully(received[0]);
    expect(final.content.map((b) => ({ ...b, ...(b.type === 'text' ? { citations: undefined } : {}) }))).toEqual(
      expectedContent.map((b) => (b.type === 'text' ? { ...b, citations: undefined } : b)),
    );
    // (The split of the writes by lifetime is not in it: message_start goes out before the
    // upstream reports usage, and message_delta has no field for it.)
    expect(final.usage).toMatchObject({ input_tokens: 50, cache_creation_input_tokens: 10, cache_read_input_tokens: 30, output_tokens: 12 });
    // The charge does use it, as for the JSON answer.
    const server = (await eventually(() => telemetry.spans(), (s) => s.some((x) => x.kind === SpanKind.SERVER))).find((x) => x.kind === SpanKind.SERVER)!;
    expect(server.attributes[SLUICE.COST_MICRO_USD]).toBe(Math.ceil(50 * 3 + 30 * 0.3 + 4 * 3.75 + 6 * 6 + 12 * 15));
  });

  it('a PDF document reaches the Anthropic provider as a document', async () => {
    const pdf = Buffer.from('%PDF-1.4 minimal').toString('base64');
    await anthropic.messages.create({
      model: 'claude-x',
      max_tokens: 64,
      messages: [{ role: 'user', content: [{ type: 'document', title: 'spec.pdf', source: { type: 'base64', media_type: 'application/pdf', data: pdf } }, { type: 'text', text: 'Summarise.' }] }],
    });
    const content = (received[0].messages as Array<{ content: Array<Record<string, unknown>> }>)[0].content;
    expect(content[0]).toMatchObject({ type: 'document', title: 'spec.pdf', source: { type: 'base64', media_type: 'application/pdf', data: pdf } });
    expect(content[1]).toEqual({ type: 'text', text: 'Summarise.' });
  });
});

describe('the same request to an OpenAI-compatible provider', () => {
  it('succeeds without the Anthropic-only fields, which the attempt span lists', async () => {
    const msg = await anthropic.messages.create({ ...toolLoop(false), model: 'sim-fast' } as Anthropic.MessageCreateParamsNonStreaming);
    expect(msg.type).toBe('message');
    const sent = h.sim.recentRequests(1)[0].body as Record<string, unknown>;
    expect(sent.thinking).toBeUndefined();
    expect(JSON.stringify(sent)).not.toMatch(/cache_control|thinking_blocks|OPAQUE/);
    const spans = await eventually(() => telemetry.spans(), (s) => s.some((x) => x.kind === SpanKind.CLIENT));
    const attempt = spans.find((s) => s.kind === SpanKind.CLIENT)!;
    expect([...(attempt.attributes[SLUICE.DROPPED_PARAMS] as string[])].sort()).toEqual(
      ['messages[].cache_control', 'messages[].content[].cache_control', 'messages[].thinking_blocks', 'thinking', 'tools[].cache_control'].sort(),
    );
  });
});
