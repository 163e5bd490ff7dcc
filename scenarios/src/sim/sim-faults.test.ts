import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimHandle } from './index.js';
import { pendingTimerCount } from './stream-writer.js';

let sim: SimHandle;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimServer({ seed: 1 });
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'sk-sim-test', maxRetries: 0, logLevel: 'off' });
});
afterAll(async () => {
  await sim.close();
});

const body = { model: 'm', messages: [{ role: 'user' as const, content: 'Hello' }] };
const withFault = (spec: string) => ({ headers: { 'x-sim-fault': spec } });
const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

/** Polls (bounded) until the simulator has no request in flight. */
async function settled(): Promise<void> {
  for (let i = 0; i < 200 && sim.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(sim.stats().inFlight).toBe(0);
}

describe('status faults as the SDK surfaces them', () => {
  it('429 with Retry-After', async () => {
    const error = await failure(client.chat.completions.create(body, withFault('status=429;retry-after=2')));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const apiError = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(apiError.code).toBe('rate_limit_exceeded');
    expect(apiError.headers.get('retry-after')).toBe('2');
    expect(apiError.headers.get('retry-after-ms')).toBe('2000');
  });

  it('500 and 503 as server errors with the OpenAI error body', async () => {
    const e500 = await failure(client.chat.completions.create(body, withFault('status=500')));
    expect(e500).toBeInstanceOf(OpenAI.InternalServerError);
    expect((e500 as InstanceType<typeof OpenAI.APIError>).type).toBe('server_error');
    const e503 = await failure(client.chat.completions.create({ ...body, stream: true }, withFault('status=503')));
    expect(e503).toBeInstanceOf(OpenAI.APIError);
    expect((e503 as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it('context-length-exceeded as a 400 with its code', async () => {
    const error = await failure(client.chat.completions.create(body, withFault('context-length-exceeded')));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('context_length_exceeded');
  });

  it('a bad spec as a 400 invalid_fault_spec naming the problem', async () => {
    const error = await failure(client.chat.completions.create(body, withFault('status=abc')));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_fault_spec');
    expect((error as Error).message).toMatch(/status/);
  });
});

describe('connection faults', () => {
  it('refuse: the socket dies before any response', async () => {
    const error = await failure(client.chat.completions.create(body, withFault('refuse')));
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(error).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await settled();
    expect(sim.stats().byStatus['none']).toBeGreaterThanOrEqual(1);
  });

  it('stall: never answers; the client times out and the server lets go of the request', async () => {
    const before = sim.stats().clientAborts;
    const error = await failure(client.chat.completions.create(body, { ...withFault('stall'), timeout: 150 }));
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await settled();
    expect(sim.stats().clientAborts).toBe(before + 1);
    expect(pendingTimerCount()).toBe(0);
  });

  it('stall-ms: answers after the wait', async () => {
    const startedAt = performance.now();
    const res = await client.chat.completions.create(body, withFault('stall-ms=120'));
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(115);
    expect(res.choices[0]?.message.content).toMatch(/\w/);
  });

  it('disconnect-after: N content chunks, then the stream breaks without [DONE]', async () => {
    const stream = await client.chat.completions.create({ ...body, stream: true }, withFault('disconnect-after=3'));
    let contentChunks = 0;
    const iterate = async (): Promise<void> => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) contentChunks += 1;
    };
    await expect(iterate()).rejects.toThrow();
    expect(contentChunks).toBe(3);
    await settled();
  });

  it('disconnect-after on a JSON answer cuts the body', async () => {
    const error = await failure(client.chat.completions.create(body, withFault('disconnect-after=0')));
    expect(error).toBeInstanceOf(Error);
  });

  it('malformed-after: N chunks, then a line the SDK cannot parse', async () => {
    const stream = await client.chat.completions.create({ ...body, stream: true }, withFault('malformed-after=2'));
    let contentChunks = 0;
    const iterate = async (): Promise<void> => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) contentChunks += 1;
    };
    await expect(iterate()).rejects.toBeInstanceOf(SyntaxError);
    expect(contentChunks).toBe(2);
  });
});

describe('shaping faults', () => {
  it('missing-usage: no usage in JSON nor in the stream', async () => {
    const json = await client.chat.completions.create(body, withFault('missing-usage'));
    expect(json.usage).toBeUndefined();
    const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, withFault('missing-usage'));
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
  });

  it('output-tokens, ttft-ms and token-ms override the profile', async () => {
    const json = await client.chat.completions.create(body, withFault('output-tokens=7'));
    expect(json.usage?.completion_tokens).toBe(7);
    const startedAt = performance.now();
    const stream = await client.chat.completions.create({ ...body, stream: true }, withFault('ttft-ms=80;token-ms=5;output-tokens=4'));
    let firstContentAtMs: number | undefined;
    let count = 0;
    for await (const chunk of stream) {
      if (!chunk.choices[0]?.delta.content) continue;
      firstContentAtMs ??= performance.now() - startedAt;
      count += 1;
    }
    expect(count).toBe(4);
    expect(firstContentAtMs).toBeGreaterThanOrEqual(75);
  });

  it('counts faults by kind in stats', () => {
    const { byFault } = sim.stats();
    expect(byFault['status=429']).toBe(1);
    expect(byFault['refuse']).toBe(1);
    expect(byFault['output-tokens']).toBe(2);
  });
});

describe('client disconnect', () => {
  it('stops generating at once and leaves no timer behind', async () => {
    const stream = await client.chat.completions.create({ ...body, stream: true }, withFault('token-ms=20;output-tokens=500'));
    let seen = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) seen += 1;
      if (seen === 3) break; // leaving the loop aborts the request
    }
    await settled();
    expect(pendingTimerCount()).toBe(0);
    expect(sim.stats().clientAborts).toBeGreaterThanOrEqual(1);
  });
});
