import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR, SLUICE } from '../../collector/src/model/semconv.js';
import { type Harness, eventually, inMemoryTelemetry, simConfig, startHarness } from './harness.js';

// Upstreams that break the wire format in ways the simulator does not: each answer must
// become a clean error (or an honestly metered answer) while the gateway keeps serving.

const EVIL_KEY = 'sk-evil-provider-key-0123456789abcdefghij';
const MAX_RESPONSE_BYTES = 64 * 1024;

const completion = (extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-evil',
  object: 'chat.completion',
  created: 1,
  model: 'evil',
  choices: [{ index: 0, message: { role: 'assistant', content: 'four short words here' }, finish_reason: 'stop' }],
  ...extra,
});

/** Nested arrays `depth` levels deep, as JSON text (too deep for JSON.stringify to walk back). */
const nestedJson = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

function startEvilUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (b: Buffer) => (body += b));
    req.on('end', () => {
      const model = (JSON.parse(body) as { model: string }).model;
      switch (model) {
        case 'json-for-stream':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion()));
          return;
        case 'big-error-page':
          res.writeHead(502, { 'content-type': 'text/html' }).end(`<html>${'x'.repeat(100 * 1024)}</html>`);
          return;
        case 'big-body':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion({ padding: 'x'.repeat(2 * MAX_RESPONSE_BYTES) })));
          return;
        case 'not-a-completion':
          res.writeHead(200, { 'content-type': 'application/json' }).end('[1,2]');
          return;
        case 'error-in-200':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `model overloaded (key ${EVIL_KEY})`, type: 'server_error' } }));
          return;
        case 'no-usage':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion()));
          return;
        case 'junk-usage':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion({ usage: { prompt_tokens: -5, completion_tokens: 'lots', total_tokens: 0 } })));
          return;
        case 'deep-answer':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`{"id":"x","object":"chat.completion","created":1,"model":"evil","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop","extra":${nestedJson(20_000)}}]}`);
          return;
        case 'leaky-stream':
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'evil', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] })}\n\n`);
          res.end(`data: ${JSON.stringify({ error: { message: `Incorrect API key provided: ${EVIL_KEY}`, type: 'invalid_request_error' } })}\n\n`);
          return;
        default:
          res.writeHead(404).end();
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const telemetry = inMemoryTelemetry();
let h: Harness;
let evil: Server;
beforeAll(async () => {
  evil = await startEvilUpstream();
  const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/v1`;
  const models = ['json-for-stream', 'big-error-page', 'big-body', 'not-a-completion', 'error-in-200', 'no-usage', 'junk-usage', 'deep-answer', 'leaky-stream'];
  h = await startHarness({
    gateway: { telemetry, env: { SIM_TEST_KEY: 'sk-test-harness-0123456789abcdef0123456789', EVIL_KEY } },
    config: (simUrl) => {
      const c = simConfig(simUrl);
      c.providers = [...(c.providers ?? []), { name: 'evil', kind: 'openai', baseUrl: evilUrl, apiKey: { env: 'EVIL_KEY' }, maxResponseBytes: MAX_RESPONSE_BYTES }];
      c.models = { ...c.models, ...Object.fromEntries(models.map((m) => [m, { provider: 'evil', model: m }])) };
      c.telemetry = { enabled: true, captureContent: true };
      c.budgets = { pricing: { models: { 'no-usage': { inputUsdPerMTok: 1, outputUsdPerMTok: 2 }, 'junk-usage': { inputUsdPerMTok: 1, outputUsdPerMTok: 2 } } } };
      return c;
    },
  });
});
afterAll(async () => {
  await h.close();
  await new Promise((r) => evil.close(r));
});

const msg = [{ role: 'user' as const, content: 'hello there' }];

/** The gateway still answers an ordinary call (the process did not die, no breaker opened). */
async function stillServes(): Promise<void> {
  const ok = await h.client.chat.completions.create({ model: 'sim-fast', messages: msg });
  expect(ok.choices[0]?.message.content).toBeTruthy();
}

/** The SERVER span of the call that used `model`. */
async function serverSpanOf(model: string) {
  const spans = await eventually(() => telemetry.spans(), (s) => s.some((x) => x.kind === SpanKind.SERVER && x.attributes[ATTR.GEN_AI_REQUEST_MODEL] === model));
  return spans.find((x) => x.kind === SpanKind.SERVER && x.attributes[ATTR.GEN_AI_REQUEST_MODEL] === model)!;
}

describe('bad upstream answers become 502s, and the gateway keeps serving', () => {
  it('a JSON answer to a stream request', async () => {
    const err = (await h.client.chat.completions.create({ model: 'json-for-stream', messages: msg, stream: true }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(502);
    expect(err.message).toMatch(/provider evil answered a stream request with application\/json/);
    await stillServes();
  });

  it('an error page larger than the gateway reads', async () => {
    const err = (await h.client.chat.completions.create({ model: 'big-error-page', messages: msg }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(502);
    await stillServes();
  });

  it('a 200 answer larger than maxResponseBytes', async () => {
    const err = (await h.client.chat.completions.create({ model: 'big-body', messages: msg }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(502);
    expect(err.message).toMatch(new RegExp(`exceeds ${MAX_RESPONSE_BYTES} bytes`));
    await stillServes();
  });

  it('a 200 answer that is JSON but no chat completion', async () => {
    const err = (await h.client.chat.completions.create({ model: 'not-a-completion', messages: msg }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(502);
    expect(err.message).toMatch(/provider evil sent a 200 answer that is not a chat completion/);
  });

  it("a 200 answer carrying an { error } keeps the upstream's words, without its key", async () => {
    const err = (await h.client.chat.completions.create({ model: 'error-in-200', messages: msg }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(502);
    expect(err.message).toMatch(/not a chat completion: model overloaded \(key \[REDACTED\]\)/);
    expect(err.message).not.toContain(EVIL_KEY.slice(0, 12));
  });

  it('an answer nested too deep to serialise is relayed, and its span records a placeholder', async () => {
    telemetry.exporter.reset();
    const r = await h.client.chat.completions.create({ model: 'deep-answer', messages: msg });
    expect(r.choices[0]?.message.content).toBe('hi');
    const span = await serverSpanOf('deep-answer');
    expect(String(span.attributes[ATTR.GEN_AI_OUTPUT_MESSAGES])).toMatch(/too deeply nested/);
    await stillServes();
  });
});

describe('an upstream key echoed in a mid-stream error', () => {
  it('reaches neither the client nor the span', async () => {
    telemetry.exporter.reset();
    const stream = await h.client.chat.completions.create({ model: 'leaky-stream', messages: msg, stream: true });
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/reported an error mid-stream: Incorrect API key provided: \[REDACTED\]/);
    const span = await serverSpanOf('leaky-stream');
    const recorded = JSON.stringify(telemetry.spans().map((s) => [s.status, s.attributes, s.events]));
    expect(recorded).toContain('[REDACTED]');
    expect(recorded).not.toContain(EVIL_KEY.slice(0, 12));
    expect(span.status.message).not.toContain(EVIL_KEY.slice(0, 12));
    // Stored under the same names as a failure before the stream would be.
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('upstream_stream_error');
    expect(span.attributes[SLUICE.ERROR_CODE]).toBe('GW_UPSTREAM_STREAM_BROKEN');
  });
});

describe('usage the upstream did not report, or reported as garbage', () => {
  for (const model of ['no-usage', 'junk-usage']) {
    it(`${model}: counted, marked estimated, and priced from the same counts`, async () => {
      telemetry.exporter.reset();
      const r = await h.client.chat.completions.create({ model, messages: msg });
      expect(r.choices[0]?.message.content).toBe('four short words here');
      const a = (await serverSpanOf(model)).attributes;
      const input = a[ATTR.GEN_AI_USAGE_INPUT_TOKENS] as number;
      const output = a[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS] as number;
      expect(a[SLUICE.TOKENS_ESTIMATED]).toBe(true);
      expect(input).toBeGreaterThan(0);
      expect(output).toBe(4);
      // 1 USD / 2 USD per million tokens in, out.
      expect(a[SLUICE.COST_MICRO_USD]).toBe(Math.ceil(input * 1 + output * 2));
    });
  }
});

describe('request bodies the gateway cannot walk', () => {
  it('a body nested deeper than 128 levels is a 400, not an upstream failure, and trips no breaker', async () => {
    const raw = `{"model":"sim-fast","messages":[{"role":"user","content":"x","extra":${nestedJson(6000)}}]}`;
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${h.gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { message: string; type: string; code: string } };
      expect(body.error.type).toBe('invalid_request_error');
      expect(body.error.message).toMatch(/nests arrays and objects more than 128 levels deep/);
    }
    await stillServes();
  });

  it('128 levels are still accepted, 129 are not', async () => {
    const body = (arrays: number) => `{"model":"sim-fast","messages":[{"role":"user","content":"x"}],"metadata":${nestedJson(arrays)}}`;
    const post = (raw: string) => fetch(`${h.gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    expect((await post(body(128))).status).toBe(400);
    const raw = body(127);
    const res = await fetch(`${h.gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    expect(res.status).toBe(200);
  });

  it('a body refused before it is understood still leaves a span with the request id the client got', async () => {
    telemetry.exporter.reset();
    const res = await fetch(`${h.gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": "sim-fast", "messages": [' });
    expect(res.status).toBe(400);
    const id = res.headers.get('x-request-id');
    expect(id).toBeTruthy();
    const spans = await eventually(() => telemetry.spans(), (s) => s.some((x) => x.attributes[SLUICE.REQUEST_ID] === id));
    expect(spans.find((x) => x.attributes[SLUICE.REQUEST_ID] === id)?.attributes[SLUICE.STATUS_CODE]).toBe(400);
  });

  it('max_tokens beyond any real integer is a 400 naming the field', async () => {
    const res = await fetch(`${h.gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"sim-fast","messages":[{"role":"user","content":"x"}],"max_tokens":1e300}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('max_tokens');
  });
});
