import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosineSimilarity } from './embeddings.js';
import { startSimServer, type SimHandle } from './index.js';

let sim: SimHandle;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimServer({ seed: 11, models: { 'tiny-window': { contextWindowTokens: 20 } } });
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'sk-sim-test', maxRetries: 0 });
});
afterAll(async () => {
  await sim.close();
});

const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Tell me about rivers.' },
];

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
      required: ['city', 'unit'],
    },
  },
};

describe('chat completions (JSON)', () => {
  it('answers in the OpenAI shape with usage counted by gpt-tokenizer', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(res.object).toBe('chat.completion');
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.model).toBe('gpt-4o-mini');
    expect(res.system_fingerprint).toMatch(/^fp_[0-9a-f]{10}$/);
    expect(res.choices[0]?.message.role).toBe('assistant');
    expect(res.choices[0]?.finish_reason).toBe('stop');
    const completion = res.usage?.completion_tokens ?? 0;
    expect(completion).toBeGreaterThanOrEqual(20);
    expect(completion).toBeLessThanOrEqual(60);
    expect(res.usage?.total_tokens).toBe((res.usage?.prompt_tokens ?? 0) + completion);
  });

  it('is deterministic per seed and conversation; the request seed and x-sim-seed override', async () => {
    const text = async (body: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>, headers?: Record<string, string>) =>
      (await client.chat.completions.create({ model: 'm', messages, ...body }, { headers })).choices[0]?.message.content;
    const base = await text({});
    expect(await text({})).toBe(base);
    expect(await text({ seed: 5 })).not.toBe(base);
    expect(await text({ seed: 5 })).toBe(await text({}, { 'x-sim-seed': '5' }));
    expect(await text({ messages: [{ role: 'user', content: 'Other' }] })).not.toBe(base);
  });

  it('truncates at max_tokens / max_completion_tokens with finish_reason length', async () => {
    const a = await client.chat.completions.create({ model: 'm', messages, max_tokens: 3 });
    expect(a.choices[0]?.finish_reason).toBe('length');
    expect(a.usage?.completion_tokens).toBe(3);
    const b = await client.chat.completions.create({ model: 'm', messages, max_completion_tokens: 4 });
    expect(b.usage?.completion_tokens).toBe(4);
  });

  it('returns n choices that differ', async () => {
    const res = await client.chat.completions.create({ model: 'm', messages, n: 2 });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(res.choices[0]?.message.content).not.toBe(res.choices[1]?.message.content);
  });

  it('calls the first tool with schema-shaped arguments, then answers in text after the tool result', async () => {
    const first = await client.chat.completions.create({ model: 'm', messages, tools: [weatherTool] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.id).toMatch(/^call_/);
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'sample city', unit: 'c' });
    const second = await client.chat.completions.create({
      model: 'm',
      tools: [weatherTool],
      messages: [...messages, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '{"temp":21}' }],
    });
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(second.choices[0]?.message.content).toMatch(/\w/);
    const none = await client.chat.completions.create({ model: 'm', messages, tools: [weatherTool], tool_choice: 'none' });
    expect(none.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it('serves unknown models with the default profile and answers 400 context_length_exceeded past the window', async () => {
    await expect(client.chat.completions.create({ model: 'tiny-window', messages: [{ role: 'user', content: 'word '.repeat(40) }] })).rejects.toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
    });
    await expect(client.chat.completions.create({ model: 'anything-goes', messages })).resolves.toBeDefined();
  });
});

describe('chat completions (stream)', () => {
  it('streams the same text as the JSON answer, role first, usage last with include_usage', async () => {
    const json = await client.chat.completions.create({ model: 'm', messages });
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(json.choices[0]?.message.content);
    const last = chunks[chunks.length - 1];
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(json.usage);
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(json.usage?.completion_tokens);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('streams n=2 choices interleaved by index', async () => {
    const json = await client.chat.completions.create({ model: 'm', messages, n: 2 });
    const stream = await client.chat.completions.create({ model: 'm', messages, n: 2, stream: true });
    const texts = ['', ''];
    for await (const chunk of stream) for (const c of chunk.choices) texts[c.index] += c.delta.content ?? '';
    expect(texts).toEqual(json.choices.map((c) => c.message.content));
  });

  it('streams tool calls that the SDK helper assembles into the JSON tool call', async () => {
    const json = await client.chat.completions.create({ model: 'm', messages, tools: [weatherTool] });
    const runner = client.chat.completions.stream({ model: 'm', messages, tools: [weatherTool] });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls).toEqual(json.choices[0]?.message.tool_calls);
  });
});

describe('embeddings', () => {
  it('orders similarity by shared content words (floats and the SDK default base64)', async () => {
    const input = [
      'What is the return policy for electronics?',
      'How many days do I have to return my laptop?',
      'The weather in Paris is sunny this afternoon',
    ];
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input });
    expect(res.data.map((d) => d.index)).toEqual([0, 1, 2]);
    const [a, b, c] = res.data.map((d) => d.embedding);
    expect(a).toHaveLength(256);
    expect(cosineSimilarity(a!, b!)).toBeGreaterThan(cosineSimilarity(a!, c!));
    const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input, encoding_format: 'float' });
    expect(floats.data[0]?.embedding[0]).toBeCloseTo(a![0]!, 6);
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('honours dimensions and a single string input', async () => {
    const res = await client.embeddings.create({ model: 'e', input: 'hello', dimensions: 64 });
    expect(res.data).toHaveLength(1);
    expect(res.data[0]?.embedding).toHaveLength(64);
  });
});

describe('models', () => {
  it('lists the built-in and configured models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['sim-fast', 'sim-realistic', 'tiny-window']));
    expect((await client.models.retrieve('sim-fast')).owned_by).toBe('sluice-sim');
  });
});
