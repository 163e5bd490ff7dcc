import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SLUICE } from '../../../collector/src/model/semconv.js';
import { GatewayError } from '../errors.js';
import { compose } from '../pipeline/stage.js';
import { createIdentity } from './create-identity.js';
import { okNext, testRequestCtx } from './test/request-ctx.js';
import { testConfig } from './test/config.js';
import { mint, newSigningKey } from './test/signing-keys.js';
import { generateVirtualKey, hashVirtualKey } from './virtual-key.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const QA_KEY = generateVirtualKey();
const AIR_KEY = generateVirtualKey();
const logs: unknown[] = [];
const identity = createIdentity({ now: () => T0, logger: { warn: (obj, msg) => void logs.push(obj, msg) } });
const signing = await newSigningKey('static-1', 'ES256');
const config = testConfig({
  auth: {
    teams: { 'ai-research': { costCenter: 'cc-4200' }, qa: { costCenter: 'cc-1700' } },
    virtualKeys: [
      { id: 'qa-bot', hash: hashVirtualKey(QA_KEY), agent: 'tester', team: 'qa' },
      { id: 'air-bot', hash: hashVirtualKey(AIR_KEY), agent: 'peterj', team: 'ai-research' },
    ],
    jwt: [{ issuer: 'sso.solo.io', keys: [{ pem: signing.publicPem }], algorithms: ['ES256'] }],
  },
  policies: {
    default: 'allow',
    rules: [
      { name: 'openai-is-for-ai-research', except: { team: 'ai-research' }, deny: { providers: ['openai'] } },
      { name: 'secret-model-internal', deny: { models: ['claude-3-opus'] }, match: { agent: 'nobody' } },
    ],
  },
});
const pipeline = compose([identity.identify, identity.authorize], async () => ({ kind: 'json', status: 200, body: {} }));

async function run(headers: IncomingHttpHeaders, model: string) {
  const ctx = testRequestCtx(config, { headers, model, nowMs: T0 });
  const err = await pipeline(ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ctx, err: err as GatewayError | undefined };
}

describe('identify stage', () => {
  it('sets ctx.identity and the identity span attributes', async () => {
    const { ctx, err } = await run({ authorization: `Bearer ${AIR_KEY}` }, 'gpt-4');
    expect(err).toBeUndefined();
    expect(ctx.identity).toMatchObject({ agent: 'peterj', team: 'ai-research' });
    expect(ctx.attrs).toMatchObject({
      [SLUICE.AUTH_METHOD]: 'virtual-key',
      [SLUICE.AGENT]: 'peterj',
      [SLUICE.TEAM]: 'ai-research',
      [SLUICE.KEY_ID]: 'air-bot',
      [SLUICE.COST_CENTER]: 'cc-4200',
      [SLUICE.AUTHZ_DECISION]: 'allow',
      [SLUICE.AUTHZ_RULE]: 'default',
    });
  });

  it('records a failed authentication on the span and does not call next', async () => {
    const ctx = testRequestCtx(config, { headers: { authorization: 'Bearer sk-sluice-wrong' } });
    const { next, calls } = okNext();
    const err = await identity.identify(ctx, next).then(
      () => undefined,
      (e: unknown) => e as GatewayError,
    );
    expect(err?.code).toBe('GW_AUTH_INVALID');
    expect(calls()).toBe(0);
    expect(ctx.identity).toBeUndefined();
    expect(ctx.attrs).toEqual({ [SLUICE.AUTH_METHOD]: 'virtual-key', [SLUICE.AUTHZ_DECISION]: 'deny', [SLUICE.AUTHZ_RULE]: 'authentication', [SLUICE.AUTHZ_REASON]: 'unknown API key' });
  });

  it('missing credentials: 401 GW_AUTH_MISSING with WWW-Authenticate', async () => {
    const { err, ctx } = await run({}, 'gpt-4');
    expect([err?.code, err?.status, err?.headers['WWW-Authenticate']]).toEqual(['GW_AUTH_MISSING', 401, 'Bearer realm="sluice"']);
    expect(ctx.attrs[SLUICE.AUTH_METHOD]).toBe('none');
  });
});

describe('authorize stage', () => {
  it('refuses with 403 naming only the caller and the model, and records the decision', async () => {
    const { ctx, err } = await run({ 'x-api-key': QA_KEY }, 'gpt-4');
    expect([err?.code, err?.status, err?.type]).toEqual(['GW_PERMISSION_DENIED', 403, 'permission_denied']);
    expect(err?.message).toBe('agent "tester" (team "qa") may not use model "gpt-4"');
    for (const internal of ['openai', 'rule', 'ai-research', 'claude', 'default']) expect(err?.message).not.toContain(internal);
    expect(ctx.attrs).toMatchObject({
      [SLUICE.AGENT]: 'tester',
      [SLUICE.TEAM]: 'qa',
      [SLUICE.AUTHZ_DECISION]: 'deny',
      [SLUICE.AUTHZ_RULE]: 'openai-is-for-ai-research',
      [SLUICE.AUTHZ_REASON]: 'rule openai-is-for-ai-research denies model gpt-4 (openai)',
    });
  });

  it('lets QA use a model no rule denies', async () => {
    const { err, ctx } = await run({ 'x-api-key': QA_KEY }, 'claude-3-opus');
    expect(err).toBeUndefined();
    expect(ctx.attrs[SLUICE.AUTHZ_DECISION]).toBe('allow');
  });

  it('narrows by JWT grants on the request path', async () => {
    const exp = T0 / 1000 + 600;
    const token = await mint(signing, { iss: 'sso.solo.io', sub: 'peterj', team: 'ai-research', llms: { openai: ['gpt-4'] } }, { exp });
    expect((await run({ authorization: `Bearer ${token}` }, 'gpt-4')).err).toBeUndefined();
    const { err, ctx } = await run({ authorization: `Bearer ${token}` }, 'gpt-3.5-turbo');
    expect(err?.message).toBe('agent "peterj" (team "ai-research") may not use model "gpt-3.5-turbo"');
    expect(ctx.attrs[SLUICE.AUTHZ_RULE]).toBe('token-grants');
    expect(ctx.attrs[SLUICE.AUTH_METHOD]).toBe('jwt');
  });

  it('refuses to run without identify', async () => {
    const ctx = testRequestCtx(config);
    const err = await identity.authorize(ctx, okNext().next).then(
      () => undefined,
      (e: unknown) => e as GatewayError,
    );
    expect(err?.code).toBe('GW_INTERNAL');
  });
});

describe('secrets stay out of everything identity writes', () => {
  it('no key or token appears in attrs, errors, headers or logs', async () => {
    const exp = T0 / 1000 + 600;
    const token = await mint(signing, { iss: 'sso.solo.io', sub: 'peterj', team: 'ai-research' }, { exp });
    const expired = await mint(signing, { iss: 'sso.solo.io', sub: 'peterj' }, { exp: T0 / 1000 - 3600 });
    const secrets = [QA_KEY, AIR_KEY, token, expired, 'sk-sluice-guess'];
    const written: unknown[] = [];
    for (const headers of [{ authorization: `Bearer ${QA_KEY}` }, { 'x-api-key': AIR_KEY }, { authorization: `Bearer ${token}` }, { authorization: `Bearer ${expired}` }, { authorization: 'Bearer sk-sluice-guess' }, { authorization: `Basic ${QA_KEY}` }]) {
      for (const model of ['gpt-4', 'claude-3-opus']) {
        const { ctx, err } = await run(headers, model);
        written.push(ctx.attrs, ctx.identity, err?.message, err?.headers, String(err?.cause ?? ''));
      }
    }
    const text = JSON.stringify([written, logs]);
    for (const s of secrets) expect(text).not.toContain(s);
    for (const s of [QA_KEY, AIR_KEY]) expect(text).not.toContain(s.slice('sk-sluice-'.length, 20));
  });
});
