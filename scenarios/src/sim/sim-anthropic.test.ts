import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimHandle } from './index.js';

let sim: SimHandle;
let client: Anthropic;

beforeAll(async () => {
  sim = await startSimServer({ seed: 3, strictModels: true, models: { 'claude-sim': 'sim-fast' } });
  client = new Anthropic({ baseURL: sim.url, apiKey: 'sk-ant-test', maxRetries: 0, logLevel: 'off' });
});
afterAll(async () => {
  await sim.close();
});

const base = {
  model: 'claude-sim',
  max_tokens: 200,
  system: 'You are terse.',
  messages: [{ role: 'user' as const, content: 'Tell me about rivers.' }],
};

const lookupTool: Anthropic.Tool = {
  name: 'lookup_order',
  input_schema: { type: 'object', properties: { order_id: { type: 'string' }, verbose: { type: 'boolean' } }, required: ['order_id'] },
};

describe('Anthropic messages', () => {
  it('answers in the Anthropic message shape with usage', async () => {
    const msg = await client.messages.create(base);
    expect(msg.type).toBe('message');
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.role).toBe('assistant');
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.content[0]?.type).toBe('text');
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThanOrEqual(20);
  });

  it('streams the same message through the SDK accumulator', async () => {
    const json = await client.messages.create(base);
    const stream = client.messages.stream(base);
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual(json.content);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(json.usage.output_tokens);
    expect(final.usage.input_tokens).toBe(json.usage.input_tokens);
    expect(events.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('stops at max_tokens with stop_reason max_tokens', async () => {
    const msg = await client.messages.create({ ...base, max_tokens: 4 });
    expect(msg.stop_reason).toBe('max_tokens');
    expect(msg.usage.output_tokens).toBe(4);
  });

  it('uses a tool (JSON and stream alike), then answers in text after the tool_result', async () => {
    const json = await client.messages.create({ ...base, tools: [lookupTool] });
    const block = json.content[0];
    expect(json.stop_reason).toBe('tool_use');
    if (block?.type !== 'tool_use') throw new Error('expected a tool_use block');
    expect(block.id).toMatch(/^toolu_/);
    expect(block.input).toEqual({ order_id: 'sample order_id' });
    const streamed = await client.messages.stream({ ...base, tools: [lookupTool] }).finalMessage();
    expect(streamed.content).toEqual(json.content);

    const after = await client.messages.create({
      ...base,
      tools: [lookupTool],
      messages: [
        ...base.messages,
        { role: 'assistant', content: json.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: block.id, content: 'shipped' }] },
      ],
    });
    expect(after.stop_reason).toBe('end_turn');
    expect(after.content[0]?.type).toBe('text');
    const none = await client.messages.create({ ...base, tools: [lookupTool], tool_choice: { type: 'none' } });
    expect(none.content[0]?.type).toBe('text');
  });

  it('answers errors in the Anthropic error shape', async () => {
    const notFound = await client.messages.create({ ...base, model: 'claude-unknown' }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(Anthropic.NotFoundError);
    expect((notFound as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });

    const overloaded = await client.messages.create(base, { headers: { 'x-sim-fault': 'status=529' } }).catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { type: 'overloaded_error' } });

    const tooLong = await client.messages.create(base, { headers: { 'x-sim-fault': 'context-length-exceeded' } }).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(Anthropic.BadRequestError);
    expect((tooLong as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringMatching(/prompt is too long/) } });

    const invalid = await client.messages.create({ model: 'claude-sim', messages: [] } as never).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
  });

  it('cuts an Anthropic stream after N deltas with disconnect-after', async () => {
    const stream = await client.messages.create({ ...base, stream: true }, { headers: { 'x-sim-fault': 'disconnect-after=2' } });
    let deltas = 0;
    const iterate = async (): Promise<void> => {
      for await (const event of stream) if (event.type === 'content_block_delta') deltas += 1;
    };
    await expect(iterate()).rejects.toThrow();
    expect(deltas).toBe(2);
  });

  it('lists models in the Anthropic shape when asked by the Anthropic SDK', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(expect.arrayContaining(['claude-sim', 'sim-fast']));
    expect(page.data[0]?.type).toBe('model');
  });

  it('records the request with the API key redacted', async () => {
    await client.messages.create(base, { headers: { 'x-api-key': 'sk-ant-test' } });
    const [last] = sim.recentRequests(1);
    expect(last?.path).toBe('/v1/messages');
    expect(last?.headers['x-api-key']).toBe('[present]');
    expect(last?.headers['anthropic-version']).toBeDefined();
    expect(JSON.stringify(last)).not.toContain('sk-ant-test');
    expect(last?.body).toMatchObject({ model: 'claude-sim', max_tokens: 200 });
    expect(last?.status).toBe(200);
  });
});
