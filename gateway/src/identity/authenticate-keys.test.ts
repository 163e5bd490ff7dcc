import { timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { authenticate } from './authenticate.js';
import { createIdentity } from './create-identity.js';
import { createJwtAuthenticator } from './jwt-auth.js';
import { testConfig } from './test/config.js';
import { generateVirtualKey, hashVirtualKey } from './virtual-key.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const logger = { warn: () => {} };
const KEY = generateVirtualKey();
const OTHER = generateVirtualKey();

function authWith(overrides: { expiresAt?: string; disabled?: boolean } = {}): ConfigInput['auth'] {
  return {
    teams: { 'ai-research': { costCenter: 'cc-4200' }, qa: {} },
    agents: { peterj: { team: 'ai-research' } },
    admins: ['peterj'],
    virtualKeys: [
      { id: 'peterj-1', hash: hashVirtualKey(KEY), agent: 'peterj', ...overrides },
      { id: 'bot-1', hash: hashVirtualKey(OTHER), agent: 'ci-bot', team: 'qa', costCenter: 'cc-qa-bots' },
    ],
  };
}

async function rejection(p: Promise<unknown>): Promise<GatewayError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(err)}`);
  return err;
}

describe('virtual keys', () => {
  let nowMs = T0;
  const identity = createIdentity({ now: () => nowMs, logger });

  it('identifies the agent from Bearer or x-api-key, with declared team, cost center and admin', async () => {
    const config = testConfig({ auth: authWith() });
    const viaBearer = await identity.authenticate({ authorization: `Bearer ${KEY}` }, config);
    expect(viaBearer).toEqual({ method: 'virtual-key', agent: 'peterj', team: 'ai-research', keyId: 'peterj-1', costCenter: 'cc-4200', admin: true });
    const viaApiKey = await identity.authenticate({ 'x-api-key': OTHER }, config);
    expect(viaApiKey).toEqual({ method: 'virtual-key', agent: 'ci-bot', team: 'qa', keyId: 'bot-1', costCenter: 'cc-qa-bots' });
  });

  it('answers 401 with WWW-Authenticate when credentials are missing', async () => {
    const err = await rejection(identity.authenticate({}, testConfig({ auth: authWith() })));
    expect(err.code).toBe('GW_AUTH_MISSING');
    expect(err.status).toBe(401);
    expect(err.headers['WWW-Authenticate']).toBe('Bearer realm="sluice"');
  });

  it('refuses unknown, malformed and wrong-method credentials without echoing them', async () => {
    const config = testConfig({ auth: authWith() });
    const unknown = await rejection(identity.authenticate({ authorization: 'Bearer sk-sluice-nope' }, config));
    expect([unknown.code, unknown.message]).toEqual(['GW_AUTH_INVALID', 'unknown API key']);
    expect(unknown.headers['WWW-Authenticate']).toBe('Bearer realm="sluice", error="invalid_token", error_description="unknown API key"');
    const basic = await rejection(identity.authenticate({ authorization: 'Basic dXNlcjpwYXNz' }, config));
    expect(basic.message).toBe('the Authorization header must be "Bearer <key or token>"');
    const jwt = await rejection(identity.authenticate({ authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' }, config));
    expect(jwt.message).toBe('this gateway does not accept JWTs; use a Sluice API key');
    const huge = await rejection(identity.authenticate({ 'x-api-key': 'k'.repeat(10_000) }, config));
    expect(huge.code).toBe('GW_AUTH_INVALID');
    for (const e of [unknown, basic, jwt, huge]) expect(e.message).not.toContain('sk-sluice-nope');
  });

  it('expires keys by the injected clock', async () => {
    const config = testConfig({ auth: authWith({ expiresAt: '2026-03-01T12:00:00.000Z' }) });
    nowMs = Date.parse('2026-03-01T11:59:59.999Z');
    await expect(identity.authenticate({ authorization: `Bearer ${KEY}` }, config)).resolves.toMatchObject({ agent: 'peterj' });
    nowMs = Date.parse('2026-03-01T12:00:00.000Z');
    const err = await rejection(identity.authenticate({ authorization: `Bearer ${KEY}` }, config));
    expect([err.code, err.message]).toEqual(['GW_AUTH_INVALID', 'API key peterj-1 expired at 2026-03-01T12:00:00.000Z']);
    nowMs = T0;
  });

  it('applies disable and re-enable on config reload (a new snapshot), with no restart', async () => {
    const before = testConfig({ auth: authWith() });
    const disabled = testConfig({ auth: authWith({ disabled: true }) });
    const headers = { authorization: `Bearer ${KEY}` };
    await expect(identity.authenticate(headers, before)).resolves.toMatchObject({ keyId: 'peterj-1' });
    const err = await rejection(identity.authenticate(headers, disabled));
    expect(err.message).toBe('API key peterj-1 is disabled');
    await expect(identity.authenticate(headers, testConfig({ auth: authWith() }))).resolves.toMatchObject({ keyId: 'peterj-1' });
    const removed = testConfig({ auth: { ...authWith(), virtualKeys: [] , anonymous: { enabled: false } } });
    expect((await rejection(identity.authenticate(headers, removed))).message).toBe('this gateway does not accept API keys');
  });

  it('confirms every match with the constant-time compare', async () => {
    const seen: Array<[number, number]> = [];
    const compare = (a: Buffer, b: Buffer): boolean => {
      seen.push([a.length, b.length]);
      return timingSafeEqual(a, b);
    };
    const jwt = createJwtAuthenticator({ now: () => T0, logger });
    await authenticate({ authorization: `Bearer ${KEY}` }, testConfig({ auth: authWith() }), { now: () => T0, jwt, compare });
    expect(seen).toEqual([[32, 32]]);
    // A compare that says "different" refuses the key even though the digest lookup matched.
    const err = await rejection(authenticate({ authorization: `Bearer ${KEY}` }, testConfig({ auth: authWith() }), { now: () => T0, jwt, compare: () => false }));
    expect(err.message).toBe('unknown API key');
  });
});

describe('anonymous access', () => {
  const identity = createIdentity({ now: () => T0, logger });
  it('is off unless enabled, and never replaces a bad credential', async () => {
    const on = testConfig({ auth: { teams: { guests: { costCenter: 'cc-0' } }, anonymous: { enabled: true, team: 'guests' } } });
    await expect(identity.authenticate({}, on)).resolves.toEqual({ method: 'anonymous', agent: 'anonymous', team: 'guests', costCenter: 'cc-0' });
    expect((await rejection(identity.authenticate({}, testConfig()))).code).toBe('GW_AUTH_MISSING');
    // The placeholder key an SDK insists on sending is ignored when no method could check it…
    await expect(identity.authenticate({ authorization: 'Bearer sk-placeholder' }, on)).resolves.toMatchObject({ method: 'anonymous' });
    // …but once keys are configured, a wrong key is refused rather than downgraded to anonymous.
    const withKeys = testConfig({ auth: { ...authWith(), anonymous: { enabled: true } } });
    expect((await rejection(identity.authenticate({ authorization: 'Bearer sk-x' }, withKeys))).code).toBe('GW_AUTH_INVALID');
    await expect(identity.authenticate({}, withKeys)).resolves.toMatchObject({ method: 'anonymous' });
  });
});
