import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import fc from 'fast-check';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR, SLUICE } from '../../../collector/src/model/semconv.js';
import { type Harness, eventually, inMemoryTelemetry, simConfig, startHarness } from '../../test/harness.js';
import { createGuardrails } from './index.js';

/**
 * End to end: the real gateway with these guardrails and templates, the openai SDK as the
 * client, the simulator (template check) and a scripted loopback upstream that streams the
 * exact chunks a test sets (masking across SSE chunk boundaries).
 */

let script: string[] = [];
let upstreamCalls = 0;
/** The last request body the scripted upstream received. */
let lastUpstreamBody: { messages?: unknown[] } = {};
let upstream: Server;
let upstreamUrl = '';

function startScriptedUpstream(): Promise<void> {
  upstream = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      upstreamCalls++;
      const body = JSON.parse(raw) as { model: string; stream?: boolean; messages?: unknown[] };
      lastUpstreamBody = body;
      const base = { id: 'chatcmpl-script', created: 1_700_000_000, model: body.model };
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: script.join('') }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: script.length, total_tokens: 5 + script.length },
        }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }, null));
      for (const piece of script) res.write(chunk({ content: piece }, null));
      res.write(chunk({}, 'stop'));
      res.end('data: [DONE]\n\n');
    });
  });
  return new Promise((resolve) =>
    upstream.listen(0, '127.0.0.1', () => {
      upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
      resolve();
    }),
  );
}

const SENTIMENT = "Classify the sentiment of the user's text. Answer with a single French word: positif, négatif or neutre.";
const telemetry = inMemoryTelemetry();
let h: Harness;

beforeAll(async () => {
  await startScriptedUpstream();
  const g = createGuardrails({ now: () => performance.now() });
  h = await startHarness({
    config: (simUrl) => {
      const base = simConfig(simUrl);
      return {
        ...base,
        providers: [...(base.providers ?? []), { name: 'script', kind: 'openai', baseUrl: upstreamUrl, apiKey: { env: 'SIM_TEST_KEY' } }],
        models: { ...base.models, scripted: { provider: 'script', model: 'scripted' } },
        guardrails: {
          rules: [
            { name: 'pii', detect: { type: 'builtin', entities: ['EMAIL', 'PHONE', 'CREDIT_CARD'] } },
            { name: 'places', detect: { type: 'dictionary', entity: 'LOCATION', lists: ['locations'] } },
            { name: 'no-secrets', action: 'reject', message: 'Rejected due to inappropriate content', detect: { type: 'builtin', entities: ['SECRET'] } },
          ],
        },
        templates: {
          definitions: [{ name: 'sentiment-fr', version: 1, system: SENTIMENT }],
          attach: [{ template: 'sentiment-fr', match: { models: ['sim-fast'] } }],
        },
      };
    },
    gateway: { telemetry, features: { stages: { template: g.template, guardRequest: g.guardRequest, guardResponse: g.guardResponse } } },
  });
});
afterAll(async () => {
  await h?.close();
  upstream.closeAllConnections();
  await new Promise<void>((r) => upstream.close(() => r()));
});

async function streamText(messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }]): Promise<string> {
  const stream = await h.client.chat.completions.create({ model: 'scripted', messages, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  return text;
}

describe('guardrails through the gateway', () => {
  it('masks an email and a phone number split across SSE chunks, read by the openai SDK', async () => {
    script = ['Contact ja', 'ne.doe@exa', 'mple.com or call +44 20 79', '46 0958 in It', 'aly.'];
    expect(await streamText()).toBe('Contact [EMAIL] or call [PHONE] in [LOCATION].');
  });

  it('property: any split of a response into chunks streams the same masked text as the unsplit JSON answer', async () => {
    const words = fc.constantFrom('jane@example.com', 'Call', '+1 (415) 555-2671', 'card', '4111 1111 1111 1111', 'Rome', 'Italy', 'is', 'nice', 'today', '.', ',');
    await fc.assert(
      fc.asyncProperty(fc.array(words, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), async (ws, cuts) => {
        const text = ws.join(' ');
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        script = [text];
        const whole = (await h.client.chat.completions.create({ model: 'scripted', messages: [{ role: 'user', content: 'x' }] })).choices[0].message.content;
        script = [...at, text.length].map((end, i) => text.slice(i === 0 ? 0 : at[i - 1], end)).filter((p) => p !== '');
        expect(await streamText()).toBe(whole);
      }),
      { numRuns: 20 },
    );
  });

  it('a refused request is a 400 BadRequestError with the configured message and never reaches the upstream', async () => {
    const before = upstreamCalls;
    const err = await h.client.chat.completions
      .create({ model: 'scripted', messages: [{ role: 'user', content: 'my key is AKIAIOSFODNN7EXAMPLE' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).status).toBe(400);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('Rejected due to inappropriate content');
    expect(upstreamCalls).toBe(before);
  });

  it('a reject mid-stream ends the stream with an error event the SDK raises', async () => {
    script = ['Here is what you asked for. ', 'The key is AKIAIOS', 'FODNN7EXAMPLE, keep it safe.'];
    let text = '';
    const err = await (async () => {
      const stream = await h.client.chat.completions.create({ model: 'scripted', messages: [{ role: 'user', content: 'hi' }], stream: true });
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(String((err as Error).message)).toContain('Rejected due to inappropriate content');
    expect(text).toContain('Here is what you asked for.');
    expect(text).not.toContain('AKIA');
  });

  it('the French-sentiment template reaches the upstream (seen at /_sim/requests)', async () => {
    await fetch(`${h.sim.url}/_sim/reset`, { method: 'POST' });
    const res = await h.client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'Ce film était magnifique !' }] });
    expect(res.choices[0].message.content?.length).toBeGreaterThan(0);
    const log = (await (await fetch(`${h.sim.url}/_sim/requests?limit=5`)).json()) as { requests: Array<{ path: string; body: { messages: unknown[] } }> };
    const sent = log.requests.find((r) => r.path.endsWith('/chat/completions'));
    expect(sent?.body.messages).toEqual([
      { role: 'system', content: SENTIMENT },
      { role: 'user', content: 'Ce film était magnifique !' },
    ]);
  });

  it('hits and the template are on the SERVER span, never the sensitive text', async () => {
    telemetry.exporter.reset();
    script = ['ok'];
    await h.client.chat.completions.create({ model: 'scripted', messages: [{ role: 'user', content: 'I am jane@example.com from Italy' }] });
    await h.client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'bien' }] });
    const spans = await eventually(() => telemetry.spans().filter((s) => s.kind === SpanKind.SERVER), (s) => s.length >= 2);
    const guarded = spans.find((s) => s.attributes[ATTR.GEN_AI_REQUEST_MODEL] === 'scripted');
    expect(guarded?.attributes[SLUICE.GUARDRAIL_HITS]).toBe(2);
    expect(guarded?.attributes[SLUICE.GUARDRAIL_RULES]).toEqual(['pii', 'places']);
    expect(guarded?.events.some((e) => e.name === 'sluice.guardrail.hit')).toBe(true);
    expect(JSON.stringify([guarded?.attributes, guarded?.events.map((e) => e.attributes)])).not.toMatch(/jane|Italy/);
    const templated = spans.find((s) => s.attributes[ATTR.GEN_AI_REQUEST_MODEL] === 'sim-fast');
    expect(templated?.attributes[ATTR.GEN_AI_PROMPT_NAME]).toBe('sentiment-fr');
  });

  it("an agent's history sent again on its next steps is masked and counted the same each time", async () => {
    telemetry.exporter.reset();
    script = ['ok'];
    const system = `You help the support team. Escalations go to oncall@example.com or +44 20 7946 0958. ${'Be brief and polite. '.repeat(8)}`;
    const history: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: system },
      { role: 'user', content: `My card 4111 1111 1111 1111 was charged twice while I was in Italy. ${'Please look into it. '.repeat(4)}` },
      { role: 'assistant', content: `I see two charges. I will write to you at maria.rossi@example.com once they are refunded. ${'Thank you. '.repeat(4)}` },
    ];
    const upstreamHistories: unknown[] = [];
    for (const last of ['Any news?', 'Still waiting, call me on +39 06 1234 5678.', 'Thanks!']) {
      await h.client.chat.completions.create({ model: 'scripted', messages: [...history, { role: 'user', content: last }] });
      upstreamHistories.push(lastUpstreamBody.messages?.slice(0, 3));
    }
    const masked = [
      { role: 'system', content: `You help the support team. Escalations go to [EMAIL] or [PHONE]. ${'Be brief and polite. '.repeat(8)}` },
      { role: 'user', content: `My card [CREDIT_CARD] was charged twice while I was in [LOCATION]. ${'Please look into it. '.repeat(4)}` },
      { role: 'assistant', content: `I see two charges. I will write to you at [EMAIL] once they are refunded. ${'Thank you. '.repeat(4)}` },
    ];
    expect(upstreamHistories).toEqual([masked, masked, masked]);
    expect(lastUpstreamBody.messages?.[3]).toEqual({ role: 'user', content: 'Thanks!' });
    const spans = await eventually(() => telemetry.spans().filter((s) => s.kind === SpanKind.SERVER), (s) => s.length >= 3);
    // Five hits in the history every time, and the phone number of the second step's last message.
    expect(spans.map((s) => s.attributes[SLUICE.GUARDRAIL_HITS])).toEqual([5, 6, 5]);
    const hitCounts = (s: (typeof spans)[number]) =>
      Object.fromEntries(s.events.filter((e) => e.name === 'sluice.guardrail.hit').map((e) => [String(e.attributes?.['sluice.guardrail.entity']), e.attributes?.['sluice.guardrail.count']]));
    expect(spans.map(hitCounts)).toEqual([
      { EMAIL: 2, PHONE: 1, CREDIT_CARD: 1, LOCATION: 1 },
      { EMAIL: 2, PHONE: 2, CREDIT_CARD: 1, LOCATION: 1 },
      { EMAIL: 2, PHONE: 1, CREDIT_CARD: 1, LOCATION: 1 },
    ]);
  });
});

describe('guardrails and templates for Anthropic clients (/v1/messages)', () => {
  const anthropic = () => new Anthropic({ baseURL: h.gw.url, apiKey: 'unused', maxRetries: 0 });

  it('masks across stream events read by the Anthropic SDK, and masks the request going upstream', async () => {
    script = ['Contact ja', 'ne.doe@exa', 'mple.com or call +44 20 79', '46 0958 in It', 'aly.'];
    const final = await anthropic()
      .messages.stream({ model: 'scripted', max_tokens: 64, messages: [{ role: 'user', content: 'I am bob@example.org' }] })
      .finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Contact [EMAIL] or call [PHONE] in [LOCATION].' }]);
    expect(lastUpstreamBody.messages).toEqual([{ role: 'user', content: 'I am [EMAIL]' }]);
    const json = await anthropic().messages.create({ model: 'scripted', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    expect(json.content).toEqual([{ type: 'text', text: 'Contact [EMAIL] or call [PHONE] in [LOCATION].' }]);
  });

  it('a refused request is an Anthropic invalid_request_error; a mid-stream reject an error event', async () => {
    const before = upstreamCalls;
    const err = await anthropic()
      .messages.create({ model: 'scripted', max_tokens: 64, messages: [{ role: 'user', content: 'my key is AKIAIOSFODNN7EXAMPLE' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('Rejected due to inappropriate content') } });
    expect(upstreamCalls).toBe(before);

    script = ['Here is what you asked for. ', 'The key is AKIAIOS', 'FODNN7EXAMPLE, keep it safe.'];
    let text = '';
    const stream = anthropic().messages.stream({ model: 'scripted', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    stream.on('text', (t) => (text += t));
    await expect(stream.finalMessage()).rejects.toThrow(/Rejected due to inappropriate content/);
    expect(text).toContain('Here is what you asked for.');
    expect(text).not.toContain('AKIA');
  });

  it('the French-sentiment template reaches the upstream before the translated system prompt', async () => {
    await fetch(`${h.sim.url}/_sim/reset`, { method: 'POST' });
    await anthropic().messages.create({ model: 'sim-fast', max_tokens: 16, system: 'Be terse.', messages: [{ role: 'user', content: 'Ce film était magnifique !' }] });
    const log = (await (await fetch(`${h.sim.url}/_sim/requests?limit=5`)).json()) as { requests: Array<{ path: string; body: { messages: unknown[] } }> };
    const sent = log.requests.find((r) => r.path.endsWith('/chat/completions'));
    expect(sent?.body.messages).toEqual([
      { role: 'system', content: SENTIMENT },
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Ce film était magnifique !' },
    ]);
  });
});
