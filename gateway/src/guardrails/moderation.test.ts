import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardrailsSectionSchema } from '../config/sections/guardrails.js';
import { GatewayError } from '../errors.js';
import { createGuardrails } from './create-guardrails.js';
import { GUARDRAIL_EVENTS } from './record-hits.js';
import { testCtx } from './test/request-ctx.js';

/** A loopback moderation server whose answer each test sets; it records what it was sent. */
let server: Server;
let base = '';
let answer: (body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => void = (_b, _q, res) => res.end('{}');
const received: Array<{ url: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(data) as Record<string, unknown>;
      received.push({ url: req.url ?? '', headers: req.headers, body });
      answer(body, req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const json = (res: ServerResponse, body: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const guard = createGuardrails({ now: () => performance.now(), secrets: { env: { MOD_KEY: 'sk-mod-test', HOOK_TOKEN: 'hook-secret' }, readFile: () => '' } });

function webhookCtx(onError: 'open' | 'closed', extra: Record<string, unknown> = {}, content = 'My name is Jane Roe, please help') {
  return testCtx({
    guardrails: {
      rules: [
        { name: 'hook', action: 'reject', detect: { type: 'webhook', url: `${base}/check`, timeoutMs: 300, onError, bearerToken: { env: 'HOOK_TOKEN' } }, ...extra },
        { name: 'pii', detect: { type: 'builtin', entities: ['EMAIL'] } },
      ],
    },
    identity: { method: 'virtual-key', agent: 'support-bot', team: 'care', keyId: 'k1' },
    body: { model: 'gpt-test', messages: [{ role: 'user', content }] },
  });
}
const passThrough = async () => ({ kind: 'json' as const, status: 200, body: {} });

describe('webhook moderation', () => {
  it('allow: the request passes unchanged; the webhook saw text, direction, identity and route', async () => {
    answer = (_b, _q, res) => json(res, { action: 'allow' });
    const ctx = webhookCtx('closed');
    await guard.guardRequest(ctx, passThrough);
    expect((ctx.body.messages as Array<{ content: string }>)[0].content).toBe('My name is Jane Roe, please help');
    const last = received.at(-1);
    expect(last?.body).toMatchObject({ text: 'My name is Jane Roe, please help', direction: 'request', route: '/v1/chat/completions', identity: { agent: 'support-bot', team: 'care' } });
    expect(last?.headers.authorization).toBe('Bearer hook-secret');
  });

  it('mask: spans from the webhook are masked, together with local detectors', async () => {
    answer = (b, _q, res) => {
      const text = b.text as string;
      const start = text.indexOf('Jane Roe');
      json(res, { action: 'mask', spans: [{ start, end: start + 8, label: 'person' }] });
    };
    const ctx = webhookCtx('closed', {}, 'My name is Jane Roe, mail jane@example.com');
    await guard.guardRequest(ctx, passThrough);
    expect((ctx.body.messages as Array<{ content: string }>)[0].content).toBe('My name is [PERSON], mail [EMAIL]');
  });

  it('reject: the webhook message goes back as a 400 GW_GUARDRAIL_REJECTED', async () => {
    answer = (_b, _q, res) => json(res, { action: 'reject', message: 'Rejected due to inappropriate content' });
    const ctx = webhookCtx('open');
    const err = await guard.guardRequest(ctx, passThrough).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('GW_GUARDRAIL_REJECTED');
    expect((err as GatewayError).status).toBe(400);
    expect((err as GatewayError).message).toBe('Rejected due to inappropriate content');
  });

  it('timeout under fail-open: allowed, and the failure recorded', async () => {
    answer = (_b, _q, res) => setTimeout(() => json(res, { action: 'reject' }), 1_500);
    const ctx = webhookCtx('open');
    let called = false;
    await guard.guardRequest(ctx, async () => ((called = true), passThrough()));
    expect(called).toBe(true);
    const ev = ctx.events.find((e) => e.name === GUARDRAIL_EVENTS.ERROR);
    expect(ev?.attributes).toMatchObject({ 'sluice.guardrail.rule': 'hook', 'sluice.guardrail.reason': 'timeout', 'sluice.guardrail.fail_mode': 'open' });
  });

  it('timeout under fail-closed: refused (503, not the caller\'s fault), and recorded', async () => {
    answer = (_b, _q, res) => setTimeout(() => json(res, { action: 'allow' }), 1_500);
    const ctx = webhookCtx('closed');
    const err = (await guard.guardRequest(ctx, passThrough).catch((e: unknown) => e)) as GatewayError;
    expect(err.code).toBe('GW_GUARDRAIL_REJECTED');
    expect(err.status).toBe(503);
    expect(ctx.events.some((e) => e.name === GUARDRAIL_EVENTS.ERROR && e.attributes['sluice.guardrail.reason'] === 'timeout')).toBe(true);
  });

  it('garbage and error statuses follow the policy', async () => {
    answer = (_b, _q, res) => json(res, { verdict: 'maybe' });
    const a = webhookCtx('open');
    await guard.guardRequest(a, passThrough);
    expect(a.events.find((e) => e.name === GUARDRAIL_EVENTS.ERROR)?.attributes['sluice.guardrail.reason']).toBe('bad_response');
    answer = (_b, _q, res) => json(res, { error: 'down' }, 503);
    const b = webhookCtx('closed');
    const err = (await guard.guardRequest(b, passThrough).catch((e: unknown) => e)) as GatewayError;
    expect(err.status).toBe(503);
    expect(b.events.find((e) => e.name === GUARDRAIL_EVENTS.ERROR)?.attributes['sluice.guardrail.reason']).toBe('http_503');
  });

  it('shadow (log): a reject verdict is recorded but traffic is unchanged', async () => {
    answer = (_b, _q, res) => json(res, { action: 'reject', message: 'no' });
    const ctx = webhookCtx('closed', { action: 'log' });
    let called = false;
    await guard.guardRequest(ctx, async () => ((called = true), passThrough()));
    expect(called).toBe(true);
    expect(ctx.events.find((e) => e.name === GUARDRAIL_EVENTS.HIT)?.attributes).toMatchObject({ 'sluice.guardrail.rule': 'hook', 'sluice.guardrail.action': 'log' });
  });
});

describe('OpenAI moderation API', () => {
  const ctxWith = (detect: Record<string, unknown>, content: string) =>
    testCtx({
      guardrails: GuardrailsSectionSchema.parse({
        rules: [{ name: 'mod', action: 'reject', detect: { type: 'openai-moderation', baseUrl: `${base}/v1`, apiKey: { env: 'MOD_KEY' }, ...detect } }],
      }),
      body: { model: 'gpt-test', messages: [{ role: 'user', content }] },
    });
  const verdict = (flagged: boolean, scores: Record<string, number>) => ({
    id: 'modr-1',
    model: 'omni-moderation-latest',
    results: [{ flagged, categories: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, v >= 0.5])), category_scores: scores }],
  });

  it('posts {model, input} to {baseUrl}/moderations with the key and rejects flagged content', async () => {
    answer = (_b, _q, res) => json(res, verdict(true, { harassment: 0.91, violence: 0.02 }));
    const ctx = ctxWith({}, 'you are awful');
    const err = (await guard.guardRequest(ctx, passThrough).catch((e: unknown) => e)) as GatewayError;
    expect(err.code).toBe('GW_GUARDRAIL_REJECTED');
    expect(err.message).toBe('Rejected due to inappropriate content');
    const last = received.at(-1);
    expect(last?.url).toBe('/v1/moderations');
    expect(last?.body).toEqual({ model: 'omni-moderation-latest', input: ['you are awful'] });
    expect(last?.headers.authorization).toBe('Bearer sk-mod-test');
    expect(ctx.events.find((e) => e.name === GUARDRAIL_EVENTS.HIT)?.attributes['sluice.guardrail.entity']).toBe('harassment');
  });

  it('only listed categories count; unflagged content passes', async () => {
    answer = (_b, _q, res) => json(res, verdict(true, { harassment: 0.91 }));
    await expect(guard.guardRequest(ctxWith({ categories: ['violence'] }, 'hm'), passThrough)).resolves.toBeDefined();
    answer = (_b, _q, res) => json(res, verdict(false, { harassment: 0.1 }));
    await expect(guard.guardRequest(ctxWith({}, 'hello'), passThrough)).resolves.toBeDefined();
  });

  it('a missing key is a failure under the rule policy, and the key never appears in events', async () => {
    const ctx = testCtx({
      guardrails: { rules: [{ name: 'mod', action: 'reject', detect: { type: 'openai-moderation', baseUrl: `${base}/v1`, apiKey: { env: 'ABSENT' }, onError: 'open' } }] },
      body: { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] },
    });
    await guard.guardRequest(ctx, passThrough);
    expect(ctx.events.find((e) => e.name === GUARDRAIL_EVENTS.ERROR)?.attributes['sluice.guardrail.reason']).toBe('missing_api_key');
    expect(JSON.stringify([ctx.events, ctx.attrs])).not.toContain('sk-mod-test');
  });
});
