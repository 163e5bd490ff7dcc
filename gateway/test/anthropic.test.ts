import Anthropic from '@anthropic-ai/sdk';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTR, SLUICE } from '../../collector/src/model/semconv.js';
import { type Harness, SIM_HEADERS, SIM_TEST_KEY, eventually, inMemoryTelemetry, simConfig, startHarness } from './harness.js';

// Both directions of Anthropic support, with the official SDKs as clients and the simulator
// (which speaks both wire formats) as the upstream:
// - `sim-fast` is the simulator called in OpenAI's format; `claude-sim` the same simulator
//   called through the Anthropic adapter (`kind: anthropic`).
// - the Anthropic SDK talks to `/v1/messages`; the OpenAI SDK to `/v1/chat/completions`.
// The simulator's answer depends only on the seed and the conversation, so the same question
// must come back as the same text whichever way it travels.

const telemetry = inMemoryTelemetry();
let h: Harness;
let anthropic: Anthropic;

beforeAll(async () => {
  h = await startHarness({
    gateway: { telemetry },
    config: (url) =>
      simConfig(url, {
        providers: [
          { name: 'sim', kind: 'openai', baseUrl: `${url}/v1`, apiKey: { env: 'SIM_TEST_KEY' }, forwardHeaders: SIM_HEADERS },
          { name: 'claude', kind: 'anthropic', baseUrl: `${url}/v1`, apiKey: { env: 'SIM_TEST_KEY' }, forwardHeaders: SIM_HEADERS },
        ],
        models: {
          'sim-fast': { provider: 'sim', model: 'sim-fast' },
          'sim-embed': { provider: 'sim', model: 'sim-embed' },
          'claude-sim': { provider: 'claude', model: 'sim-fast' },
          'claude-embed': { provider: 'claude', model: 'sim-embed' },
          'sim-limited': { provider: 'sim', model: 'sim-fast' },
        },
        rateLimits: { rules: [{ name: 'two-a-minute', per: 'agent', match: { model: 'sim-limited' }, requests: 2, period: 'minute' }] },
      }),
  });
  anthropic = new Anthropic({ baseURL: h.gw.url, apiKey: 'unused-by-this-config', maxRetries: 0, timeout: 20_000 });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  telemetry.exporter.reset();
});

const question = 'Tell me about rivers and the sea.';
const seeded = (seed: number) => ({ headers: { 'x-sim-seed': String(seed) } });
const weatherTool = {
  name: 'get_weather',
  description: 'weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

async function openAiText(model: string, seed: number): Promise<{ text: string; output: number }> {
  const res = await h.client.chat.completions.create({ model, messages: [{ role: 'user', content: question }] }, seeded(seed));
  return { text: res.choices[0].message.content ?? '', output: res.usage?.completion_tokens ?? -1 };
}

function textOf(message: Anthropic.Message): string {
  return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

describe('POST /v1/messages (Anthropic clients)', () => {
  it('answers an Anthropic SDK request from an OpenAI-format upstream, with the same text and usage', async () => {
    const direct = await openAiText('sim-fast', 5);
    const msg = await anthropic.messages.create({ model: 'sim-fast', max_tokens: 256, messages: [{ role: 'user', content: question }] }, seeded(5));
    expect(msg.type).toBe('message');
    expect(msg.role).toBe('assistant');
    expect(msg.stop_reason).toBe('end_turn');
    expect(textOf(msg)).toBe(direct.text);
    expect(msg.usage.output_tokens).toBe(direct.output);
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg._request_id).toMatch(/\S/);
    // What went upstream was an OpenAI chat request carrying the client's max_tokens.
    const sent = h.sim.recentRequests(1)[0];
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body).toMatchObject({ model: 'sim-fast', max_tokens: 256, messages: [{ role: 'user', content: question }] });
  });

  it('streams events the SDK assembles into the same message', async () => {
    const whole = await anthropic.messages.create({ model: 'sim-fast', max_tokens: 256, messages: [{ role: 'user', content: question }] }, seeded(9));
    const stream = anthropic.messages.stream({ model: 'sim-fast', max_tokens: 256, messages: [{ role: 'user', content: question }] }, seeded(9));
    const kinds: string[] = [];
    let deltas = 0;
    stream.on('streamEvent', (e) => {
      kinds.push(e.type);
      if (e.type === 'content_block_delta') deltas++;
    });
    const final = await stream.finalMessage();
    expect(textOf(final)).toBe(textOf(whole));
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(whole.usage.output_tokens);
    expect(kinds[0]).toBe('message_start');
    expect(kinds.at(-1)).toBe('message_stop');
    expect(deltas).toBeGreaterThan(2);
  });

  it('runs a tool round: tool_use with parsed input, then the tool_result answered', async () => {
    const first = await anthropic.messages.create({ model: 'sim-fast', max_tokens: 256, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather in Rome?' }] });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(use?.name).toBe('get_weather');
    expect(use?.input).toHaveProperty('city');
    const second = await anthropic.messages.create({
      model: 'sim-fast',
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Rome?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use!.id, content: 'sunny, 24 C' }] },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(textOf(second).length).toBeGreaterThan(0);
    // Upstream, the result travelled as an OpenAI `tool` message answering the same call id.
    const sent = h.sim.recentRequests(1)[0].body as { messages: Array<{ role: string; tool_call_id?: string; tool_calls?: Array<{ id: string }> }> };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(sent.messages[1].tool_calls?.[0].id).toBe(use!.id);
    expect(sent.messages[2].tool_call_id).toBe(use!.id);
  });

  it('streams a tool call as input_json deltas the SDK parses', async () => {
    const final = await anthropic.messages
      .stream({ model: 'sim-fast', max_tokens: 256, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather in Rome?' }] })
      .finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    const use = final.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(use?.input).toHaveProperty('city');
  });

  it("refuses bad requests in Anthropic's error shape, naming the field", async () => {
    const missing = await anthropic.messages.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'hi' }] } as never).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (missing as InstanceType<typeof Anthropic.BadRequestError>).error as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/max_tokens/);

    const unknown = await anthropic.messages.create({ model: 'no-such-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect((unknown as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });

    const res = await fetch(`${h.gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": "sim-fast",' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('ends a stream that breaks upstream with an error event, which the SDK raises', async () => {
    const stream = anthropic.messages.stream(
      { model: 'sim-fast', max_tokens: 256, messages: [{ role: 'user', content: question }] },
      { headers: { 'x-sim-fault': 'disconnect-after=3' } },
    );
    await expect(stream.finalMessage()).rejects.toThrow(/stream/i);
  });

  it("rate limits answer with Anthropic's headers and a rate_limit_error the SDK raises with its retry-after", async () => {
    const ask = { model: 'sim-limited', max_tokens: 8, messages: [{ role: 'user' as const, content: 'hi' }] };
    const { response } = await anthropic.messages.create(ask).withResponse();
    expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBe('2');
    expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('1');
    expect(Date.parse(response.headers.get('anthropic-ratelimit-requests-reset') ?? '')).toBeGreaterThan(Date.now());
    await anthropic.messages.create(ask);
    const refused = await anthropic.messages.create(ask).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    const err = refused as InstanceType<typeof Anthropic.RateLimitError>;
    expect(err.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(Number(err.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(err.headers?.get('anthropic-ratelimit-requests-remaining')).toBe('0');
  });

  it('lists models in Anthropic’s shape for the Anthropic SDK', async () => {
    const page = await anthropic.models.list();
    const ids = page.data.map((m) => m.id).sort();
    expect(ids).toEqual(['claude-embed', 'claude-sim', 'sim-embed', 'sim-fast', 'sim-limited']);
    expect(page.data[0].type).toBe('model');
  });

  it('counts input tokens for the Anthropic SDK, and refuses unknown models', async () => {
    const short = await anthropic.messages.countTokens({ model: 'sim-fast', messages: [{ role: 'user', content: 'hi' }] });
    const long = await anthropic.messages.countTokens({ model: 'sim-fast', system: 'Be brief.', tools: [weatherTool], messages: [{ role: 'user', content: question.repeat(20) }] });
    expect(short.input_tokens).toBeGreaterThan(0);
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens + 100);
    const unknown = await anthropic.messages.countTokens({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
  });

  it("records the call's span with the client API, the model and the usage", async () => {
    await anthropic.messages.create({ model: 'sim-fast', max_tokens: 64, messages: [{ role: 'user', content: question }] });
    const spans = await eventually(() => telemetry.spans(), (s) => s.some((x) => x.kind === SpanKind.SERVER));
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(server.attributes[SLUICE.API]).toBe('anthropic');
    expect(server.attributes[ATTR.GEN_AI_REQUEST_MODEL]).toBe('sim-fast');
    expect(server.attributes[ATTR.GEN_AI_REQUEST_MAX_TOKENS]).toBe(64);
    expect(server.attributes[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]).toBeGreaterThan(0);
  });
});

describe('kind: anthropic providers (OpenAI clients, Anthropic upstream)', () => {
  it('translates a chat completion to Messages and back: same text and usage as the OpenAI-format call', async () => {
    const direct = await openAiText('sim-fast', 21);
    const via = await openAiText('claude-sim', 21);
    expect(via.text).toBe(direct.text);
    expect(via.output).toBe(direct.output);
    const sent = h.sim.recentRequests(1)[0];
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('[present]');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.body).toMatchObject({ model: 'sim-fast', max_tokens: 4096, messages: [{ role: 'user', content: question }] });
  });

  it('streams translated chunks, usage included', async () => {
    const direct = await openAiText('claude-sim', 33);
    const stream = await h.client.chat.completions.create(
      { model: 'claude-sim', messages: [{ role: 'user', content: question }], stream: true, stream_options: { include_usage: true } },
      seeded(33),
    );
    let text = '';
    let usage: { completion_tokens: number } | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(direct.text);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(direct.output);
  });

  it('turns tool_use into tool_calls, streamed or not, and sends tool results back as tool_result', async () => {
    const tools = [{ type: 'function' as const, function: { name: weatherTool.name, description: weatherTool.description, parameters: weatherTool.input_schema } }];
    const ask = [{ role: 'user' as const, content: 'Weather in Rome?' }];
    const res = await h.client.chat.completions.create({ model: 'claude-sim', messages: ask, tools });
    expect(res.choices[0].finish_reason).toBe('tool_calls');
    const call = res.choices[0].message.tool_calls?.[0];
    const fn = call?.type === 'function' ? call.function : undefined;
    expect(fn?.name).toBe('get_weather');
    expect(JSON.parse(fn?.arguments ?? '{}')).toHaveProperty('city');

    const stream = await h.client.chat.completions.create({ model: 'claude-sim', messages: ask, tools, stream: true });
    let args = '';
    let name = '';
    for await (const chunk of stream) {
      for (const tc of chunk.choices[0]?.delta?.tool_calls ?? []) {
        name += tc.function?.name ?? '';
        args += tc.function?.arguments ?? '';
      }
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toHaveProperty('city');

    const followUp = await h.client.chat.completions.create({
      model: 'claude-sim',
      tools,
      messages: [...ask, { role: 'assistant', content: null, tool_calls: res.choices[0].message.tool_calls }, { role: 'tool', tool_call_id: call!.id, content: 'sunny' }],
    });
    expect(followUp.choices[0].finish_reason).toBe('stop');
    const sent = h.sim.recentRequests(1)[0].body as { messages: Array<{ role: string; content: Array<{ type: string; tool_use_id?: string; id?: string }> }> };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.messages[1].content.find((b) => b.type === 'tool_use')?.id).toBe(call!.id);
    expect(sent.messages[2].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: call!.id });
  });

  it('serves Anthropic clients end to end through the Anthropic adapter', async () => {
    const msg = await anthropic.messages.create({ model: 'claude-sim', max_tokens: 128, messages: [{ role: 'user', content: question }] }, seeded(40));
    const viaOpenAi = await anthropic.messages.create({ model: 'sim-fast', max_tokens: 128, messages: [{ role: 'user', content: question }] }, seeded(40));
    expect(textOf(msg)).toBe(textOf(viaOpenAi));
    expect(msg.usage.output_tokens).toBe(viaOpenAi.usage.output_tokens);
  });

  it('passes upstream refusals on in the client’s shape, and a broken stream as a terminal error', async () => {
    const refused = await h.client.chat.completions.create({ model: 'claude-sim', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-sim-fault': 'status=400' } }).catch((e: unknown) => e);
    expect((refused as { status?: number }).status).toBe(400);
    const stream = await h.client.chat.completions.create(
      { model: 'claude-sim', messages: [{ role: 'user', content: question }], stream: true },
      { headers: { 'x-sim-fault': 'disconnect-after=3' } },
    );
    const read = async () => {
      for await (const _ of stream) void _;
    };
    await expect(read()).rejects.toThrow();
  });

  it('refuses embeddings on a provider whose API has none, and never leaks the key', async () => {
    const err = await h.client.embeddings.create({ model: 'claude-embed', input: 'x' }).catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(400);
    expect(String((err as Error).message)).toMatch(/no embeddings/);
    expect(String((err as Error).message)).not.toContain(SIM_TEST_KEY);
  });

  it('names the provider anthropic on the attempt span', async () => {
    await openAiText('claude-sim', 2);
    const spans = await eventually(() => telemetry.spans(), (s) => s.some((x) => x.kind === SpanKind.CLIENT));
    const client = spans.find((s) => s.kind === SpanKind.CLIENT)!;
    expect(client.attributes[ATTR.GEN_AI_PROVIDER_NAME]).toBe('anthropic');
    expect(client.attributes[ATTR.GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['stop']);
    expect(client.attributes[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]).toBeGreaterThan(0);
  });
});
