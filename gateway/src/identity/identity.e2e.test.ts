import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR, SLUICE } from '../../../collector/src/model/semconv.js';
import { type Harness, eventually, inMemoryTelemetry, SIM_TEST_KEY, simConfig, startHarness } from '../../test/harness.js';
import type { ConfigInput } from '../config/schema.js';
import { processSecretSource } from '../config/secret-ref.js';
import { createIdentity } from './index.js';
import { startJwksServer, type JwksServer } from './test/jwks-server.js';
import { startRecordingUpstream, type RecordingUpstream } from './test/recording-upstream.js';
import { mint, newSigningKey } from './test/signing-keys.js';
import { generateVirtualKey, hashVirtualKey } from './virtual-key.js';

const AIR_KEY = generateVirtualKey();
const QA_KEY = generateVirtualKey();
const env = { SIM_TEST_KEY, SHARED_OPENAI_KEY: 'sk-shared-pool-7f3a9c1e5b', AIR_OPENAI_KEY: 'sk-team-air-2d8e4b6f0a' };
const REPORT_CLAIMS = { iss: 'sso.solo.io', sub: 'peterj', team: 'ai-research', llms: { openai: ['gpt-4', 'gpt-3.5-turbo'], anthropic: ['claude-3-opus'] } };
const telemetry = inMemoryTelemetry();
const logLines: string[] = [];
const signing = await newSigningKey('k1');

let h: Harness;
let jwks: JwksServer;
let upstream: RecordingUpstream;
let token: string;
const bodies: string[] = [];

function configInput(simUrl: string, qaDisabled = false): ConfigInput {
  const base = simConfig(simUrl);
  return {
    ...base,
    providers: [...(base.providers ?? []), { name: 'openai', kind: 'openai', baseUrl: upstream.url, apiKey: { env: 'SHARED_OPENAI_KEY' } }],
    models: { ...base.models, 'gpt-4': { provider: 'openai', model: 'gpt-4' }, 'gpt-3.5-turbo': { provider: 'openai', model: 'gpt-3.5-turbo' } },
    auth: {
      teams: { 'ai-research': { costCenter: 'cc-4200', providerKeys: { openai: { env: 'AIR_OPENAI_KEY' } } }, qa: { costCenter: 'cc-1700' } },
      virtualKeys: [
        { id: 'air-peterj', hash: hashVirtualKey(AIR_KEY), agent: 'peterj', team: 'ai-research' },
        { id: 'qa-tester', hash: hashVirtualKey(QA_KEY), agent: 'tester', team: 'qa', disabled: qaDisabled },
      ],
      jwt: [{ issuer: 'sso.solo.io', jwksUrl: jwks.url, algorithms: ['RS256'] }],
    },
    policies: { default: 'allow', rules: [{ name: 'openai-is-for-ai-research', except: { team: 'ai-research' }, deny: { providers: ['openai'] } }] },
  };
}

/** An OpenAI SDK client that records every response body it receives (for the secret grep). */
function client(apiKey: string): OpenAI {
  return new OpenAI({
    baseURL: `${h.gw.url}/v1`,
    apiKey,
    maxRetries: 0,
    fetch: async (url, init) => {
      const res = await fetch(url, init);
      bodies.push(await res.clone().text());
      return res;
    },
  });
}
const chat = (c: OpenAI, model: string) => c.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] });
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

beforeAll(async () => {
  jwks = await startJwksServer([signing.publicJwk]);
  upstream = await startRecordingUpstream();
  token = await mint(signing, REPORT_CLAIMS, { exp: Math.floor(Date.now() / 1000) + 3600 });
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, cb) => (logLines.push(String(chunk)), cb()) }));
  const identity = createIdentity({ now: Date.now, logger, secrets: processSecretSource(env) });
  h = await startHarness({
    config: (simUrl) => configInput(simUrl),
    gateway: {
      env,
      logger,
      telemetry,
      features: {
        admit: identity.admit,
        stages: { authorize: identity.authorize },
        authenticate: (headers, config) => identity.authenticate(headers, config),
        visibleModels: (who, config) => (who === undefined ? [] : identity.visibleModels(who, config)),
        credentialFor: (ctx, provider) => identity.credentialFor(ctx, provider),
      },
    },
  });
});
afterAll(async () => {
  await h?.close();
  await jwks?.close();
  await upstream?.close();
});

describe('identity end to end (openai SDK against the real gateway)', () => {
  it('missing credentials: 401 with WWW-Authenticate in the OpenAI error shape', async () => {
    const res = await fetch(`${h.gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'sim-fast', messages: [{ role: 'user', content: 'x' }] }) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="sluice"');
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
  });

  it('authenticates before reading the body: a stranger gets 401 for a malformed or oversized body too, and a span says why', async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${h.gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'stranger-1', ...headers }, body });
    expect((await post('{"model": "sim-fast", "messages": [')).status).toBe(401);
    expect((await post('{"model": "sim-fast", "messages": [', { authorization: 'Bearer sk-sluice-wrong' })).status).toBe(401);
    expect((await post(`{"pad": "${'x'.repeat(11 * 1024 * 1024)}"}`)).status).toBe(401);
    // With a key, the same malformed body is the caller's mistake to hear about.
    expect((await post('{"model": "sim-fast", "messages": [', { authorization: `Bearer ${QA_KEY}` })).status).toBe(400);
    const refused = (s: { attributes: Record<string, unknown> }) =>
      s.attributes[SLUICE.REQUEST_ID] === 'stranger-1' && s.attributes[SLUICE.AUTH_METHOD] === 'virtual-key' && s.attributes[SLUICE.AUTHZ_DECISION] === 'deny';
    const span = (await eventually(() => telemetry.spans(), (all) => all.some(refused))).find(refused);
    expect(span?.attributes).toMatchObject({
      [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
      [SLUICE.API]: 'openai',
      [ATTR.HTTP_ROUTE]: '/v1/chat/completions',
      [SLUICE.AUTHZ_DECISION]: 'deny',
      [SLUICE.AUTHZ_RULE]: 'authentication',
      [SLUICE.STATUS_CODE]: 401,
    });
  });

  it('a bad key is an AuthenticationError with the reason', async () => {
    const err = await rejection(chat(client('sk-sluice-not-a-real-key'), 'sim-fast'));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).message).toContain('unknown API key');
    expect(await rejection(client('sk-sluice-not-a-real-key').models.list())).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('QA on the openai route is a PermissionDeniedError naming only the caller and model; the span says why', async () => {
    const err = await rejection(chat(client(QA_KEY), 'gpt-4'));
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as InstanceType<typeof OpenAI.PermissionDeniedError>).message).toContain('agent "tester" (team "qa") may not use model "gpt-4"');
    const isDenial = (x: { attributes: Record<string, unknown> }) => x.attributes[SLUICE.AUTHZ_DECISION] === 'deny' && x.attributes[SLUICE.AGENT] === 'tester';
    const denied = (await eventually(() => telemetry.spans(), (s) => s.some(isDenial))).find(isDenial);
    expect(denied?.attributes).toMatchObject({ [SLUICE.AGENT]: 'tester', [SLUICE.TEAM]: 'qa', [SLUICE.COST_CENTER]: 'cc-1700', [SLUICE.AUTHZ_RULE]: 'openai-is-for-ai-research', [SLUICE.AUTH_METHOD]: 'virtual-key' });
    const ok = await chat(client(QA_KEY), 'sim-fast');
    expect(ok.choices[0].message.content).toBeTruthy();
  });

  it("ai-research reaches openai with the team's own provider key, QA's traffic never does", async () => {
    upstream.credentials.length = 0;
    const res = await chat(client(AIR_KEY), 'gpt-4');
    expect(res.choices[0].message.content).toBe('recorded');
    expect(upstream.credentials).toEqual([`Bearer ${env.AIR_OPENAI_KEY}`]);
  });

  it("the report's JWT: gpt-4 granted, a model outside its llms claim refused", async () => {
    const jwtClient = client(token);
    expect((await chat(jwtClient, 'gpt-4')).choices[0].message.content).toBe('recorded');
    expect(await rejection(chat(jwtClient, 'sim-fast'))).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('GET /v1/models lists only what each caller may use', async () => {
    const ids = async (key: string) => (await client(key).models.list()).data.map((m) => m.id).sort();
    expect(await ids(QA_KEY)).toEqual(['sim-embed', 'sim-fast', 'sim-realistic']);
    expect(await ids(AIR_KEY)).toEqual(['gpt-3.5-turbo', 'gpt-4', 'sim-embed', 'sim-fast', 'sim-realistic']);
    expect(await ids(token)).toEqual(['gpt-3.5-turbo', 'gpt-4']);
  });

  it('disabling a key takes effect on hot reload', async () => {
    expect(await chat(client(QA_KEY), 'sim-fast')).toBeTruthy();
    expect(await h.gw.reload(configInput(h.sim.url, true))).toEqual({ ok: true });
    const err = await rejection(chat(client(QA_KEY), 'sim-fast'));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as Error).message).toContain('API key qa-tester is disabled');
    expect(await chat(client(AIR_KEY), 'sim-fast')).toBeTruthy();
  });

  it('no key, token or provider secret appears in spans, logs or response bodies', async () => {
    await telemetry.forceFlush();
    const spans = JSON.stringify(telemetry.spans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })));
    const everything = [spans, logLines.join(''), bodies.join('\n')].join('\n');
    expect(bodies.length).toBeGreaterThan(5);
    for (const secret of [AIR_KEY, QA_KEY, token, env.SHARED_OPENAI_KEY, env.AIR_OPENAI_KEY, SIM_TEST_KEY]) expect(everything).not.toContain(secret);
  });
});
