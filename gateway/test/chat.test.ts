import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const ask = [{ role: 'user' as const, content: 'Tell me about rivers and the sea.' }];

describe('POST /v1/chat/completions through the gateway', () => {
  it('answers non-streaming requests with the upstream usage', async () => {
    const res = await h.client.chat.completions.create({ model: 'sim-fast', messages: ask, seed: 3 });
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0].message.role).toBe('assistant');
    expect(res.choices[0].message.content?.length).toBeGreaterThan(0);
    expect(res.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(res.usage?.completion_tokens).toBeGreaterThan(0);
    expect(res.usage?.total_tokens).toBe((res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0));
  });

  it('streams the same text as the non-streaming answer for the same seed', async () => {
    const json = await h.client.chat.completions.create({ model: 'sim-fast', messages: ask, seed: 11 });
    const stream = await h.client.chat.completions.create({ model: 'sim-fast', messages: ask, seed: 11, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: { completion_tokens: number } | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text).toBe(json.choices[0].message.content);
    expect(usage?.completion_tokens).toBe(json.usage?.completion_tokens);
  });

  it('drops the usage chunk when the client did not ask for it', async () => {
    const stream = await h.client.chat.completions.create({ model: 'sim-fast', messages: ask, stream: true });
    const seen: unknown[] = [];
    for await (const chunk of stream) seen.push(chunk);
    expect(seen.every((c) => (c as { usage?: unknown }).usage === undefined)).toBe(true);
    expect(seen.every((c) => (c as { choices: unknown[] }).choices.length > 0)).toBe(true);
  });

  it('passes tools through and returns tool calls, streamed or not', async () => {
    const tools = [{
      type: 'function' as const,
      function: { name: 'get_weather', description: 'weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    }];
    const res = await h.client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'Weather in Rome?' }], tools });
    const call = res.choices[0].message.tool_calls?.[0];
    expect(res.choices[0].finish_reason).toBe('tool_calls');
    expect(call?.type).toBe('function');
    expect(call?.type === 'function' ? call.function.name : '').toBe('get_weather');
    expect(JSON.parse(call?.type === 'function' ? call.function.arguments : '{}')).toHaveProperty('city');

    const stream = await h.client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'Weather in Rome?' }], tools, stream: true });
    let name = '';
    let args = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const tc = chunk.choices[0]?.delta?.tool_calls?.[0];
      if (tc?.function?.name) name += tc.function.name;
      if (tc?.function?.arguments) args += tc.function.arguments;
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toHaveProperty('city');
    expect(finish).toBe('tool_calls');
  });

  it('supports n > 1 and passes unknown fields through to the upstream', async () => {
    const res = await h.client.chat.completions.create({
      model: 'sim-fast', messages: ask, n: 2, response_format: { type: 'text' },
      // @ts-expect-error a vendor extension the gateway must forward untouched
      vendor_extension: { keep: 'me' },
    });
    expect(res.choices).toHaveLength(2);
    const seen = h.sim.recentRequests(5).map((r) => r.body as Record<string, unknown>);
    const forwarded = seen.find((b) => b.n === 2);
    expect(forwarded?.vendor_extension).toEqual({ keep: 'me' });
    expect(forwarded?.response_format).toEqual({ type: 'text' });
    expect(forwarded?.model).toBe('sim-fast');
  });

  it('sends the provider credential upstream, never the client credential', async () => {
    await h.client.chat.completions.create({ model: 'sim-fast', messages: ask });
    const last = h.sim.recentRequests(1)[0];
    expect(last.headers.authorization).toBe('[present]');
  });

  it('returns embeddings', async () => {
    const res = await h.client.embeddings.create({ model: 'sim-embed', input: ['the sea', 'the ocean'] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0].embedding.length).toBeGreaterThan(8);
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('lists the configured models', async () => {
    const models = await h.client.models.list();
    const ids = models.data.map((m) => m.id).sort();
    expect(ids).toEqual(['sim-embed', 'sim-fast', 'sim-realistic']);
  });

  it('echoes the client x-request-id, or makes one', async () => {
    const mine = await fetch(`${h.gw.url}/v1/models`, { headers: { 'x-request-id': 'req-abc-123' } });
    expect(mine.headers.get('x-request-id')).toBe('req-abc-123');
    const fresh = await h.client.chat.completions.create({ model: 'sim-fast', messages: ask }).withResponse();
    expect(fresh.response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${h.gw.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });
});
