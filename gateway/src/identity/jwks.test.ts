import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { createIdentity } from './create-identity.js';
import { startJwksServer, type JwksServer } from './test/jwks-server.js';
import { testConfig } from './test/config.js';
import { mint, newSigningKey } from './test/signing-keys.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const T0S = T0 / 1000;
const CLAIMS = { iss: 'sso.solo.io', sub: 'peterj', team: 'ai-research' };
const k1 = await newSigningKey('k1');
const k2 = await newSigningKey('k2');

type Issuer = NonNullable<NonNullable<ConfigInput['auth']>['jwt']>[number];
const configFor = (url: string, extra: Partial<Issuer> = {}) =>
  testConfig({ auth: { teams: { 'ai-research': {} }, jwt: [{ issuer: 'sso.solo.io', jwksUrl: url, algorithms: ['RS256'], jwksCooldownMs: 0, ...extra }] } });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const servers: JwksServer[] = [];
async function jwks(...keys: Array<typeof k1>): Promise<JwksServer> {
  const s = await startJwksServer(keys.map((k) => k.publicJwk));
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function failure(p: Promise<unknown>): Promise<GatewayError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(err)}`);
  return err;
}

/** Warnings the identity service logged, for checking what it says (and never says). */
function recorder() {
  const lines: Array<{ obj: object; msg: string }> = [];
  return { lines, logger: { warn: (obj: object, msg: string) => void lines.push({ obj, msg }) } };
}

describe('JWKS', () => {
  it('follows key rotation without a restart (unknown kid refetches once)', async () => {
    const server = await jwks(k1);
    const identity = createIdentity({ now: () => T0, logger: recorder().logger });
    const config = configFor(server.url);
    await expect(identity.authenticate(bearer(await mint(k1, CLAIMS, { exp: T0S + 60 })), config)).resolves.toMatchObject({ agent: 'peterj' });
    expect(server.hits).toBe(1);
    // The IdP rotates: k2 is published, k1 retired.
    server.setKeys([k2.publicJwk]);
    await expect(identity.authenticate(bearer(await mint(k2, CLAIMS, { exp: T0S + 60 })), config)).resolves.toMatchObject({ agent: 'peterj' });
    expect(server.hits).toBe(2);
    await expect(identity.authenticate(bearer(await mint(k2, { ...CLAIMS, sub: 'other' }, { exp: T0S + 60 })), config)).resolves.toMatchObject({ agent: 'other' });
    expect(server.hits).toBe(2);
    // A new token under the retired key: refetch finds no k1.
    const err = await failure(identity.authenticate(bearer(await mint(k1, { ...CLAIMS, sub: 'late' }, { exp: T0S + 60 })), config));
    expect(err.message).toBe('no key for kid "k1" after refreshing the JWKS of issuer "sso.solo.io"');
  });

  it('does not refetch for unknown kids during the cooldown', async () => {
    const server = await jwks(k1);
    const identity = createIdentity({ now: () => T0, logger: recorder().logger });
    const config = configFor(server.url, { jwksCooldownMs: 60_000 });
    await identity.authenticate(bearer(await mint(k1, CLAIMS, { exp: T0S + 60 })), config);
    server.setKeys([k1.publicJwk, k2.publicJwk]);
    for (let i = 0; i < 5; i++) {
      const err = await failure(identity.authenticate(bearer(await mint(k2, { ...CLAIMS, jti: String(i) }, { exp: T0S + 60 })), config));
      expect(err.message).toBe('no key for kid "k2" in the JWKS of issuer "sso.solo.io" (it was refreshed less than 60 s ago; retry later)');
    }
    expect(server.hits).toBe(1);
  });

  it('keeps working on cached keys while the endpoint is down, and says 503 for keys it cannot fetch', async () => {
    const server = await jwks(k1);
    const log = recorder();
    let nowMs = T0;
    const identity = createIdentity({ now: () => nowMs, logger: log.logger });
    const config = configFor(server.url, { jwksRefreshMs: 1_000 });
    await identity.authenticate(bearer(await mint(k1, CLAIMS, { exp: T0S + 600 })), config);
    server.setMode('down');
    nowMs = T0 + 5_000; // past the refresh interval: a background refresh is tried and fails
    await expect(identity.authenticate(bearer(await mint(k1, { ...CLAIMS, sub: 'new-token' }, { exp: T0S + 600 })), config)).resolves.toMatchObject({ agent: 'new-token' });
    await expect(identity.authenticate(bearer(await mint(k1, { ...CLAIMS, sub: 'another' }, { exp: T0S + 600 })), config)).resolves.toMatchObject({ agent: 'another' });
    const err = await failure(identity.authenticate(bearer(await mint(k2, CLAIMS, { exp: T0S + 600 })), config));
    expect(err.code).toBe('GW_AUTH_UNAVAILABLE');
    expect(err.status).toBe(503);
    expect(err.message).toBe(`no cached key for kid "k2" of issuer "sso.solo.io", and JWKS at ${server.url} could not be fetched: fetch failed`);
    for (let i = 0; i < 50 && log.lines.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(log.lines[0]).toEqual({ obj: { jwksUrl: server.url, err: 'fetch failed' }, msg: 'JWKS refresh failed; cached keys stay in use' });
  });

  it('answers 503 when nothing is cached and the endpoint fails, and recovers when it is back', async () => {
    const server = await jwks(k1);
    server.setMode('error');
    const identity = createIdentity({ now: () => T0, logger: recorder().logger });
    const config = configFor(server.url);
    const token = await mint(k1, CLAIMS, { exp: T0S + 60 });
    const err = await failure(identity.authenticate(bearer(token), config));
    expect(err.code).toBe('GW_AUTH_UNAVAILABLE');
    expect(err.message).toBe(`cannot verify tokens of issuer "sso.solo.io": JWKS at ${server.url} could not be fetched: Expected 200 OK from the JSON Web Key Set HTTP response, and no keys are cached`);
    server.setMode('up');
    await expect(identity.authenticate(bearer(token), config)).resolves.toMatchObject({ agent: 'peterj' });
  });

  it('refreshes in the background, so a key removed from the JWKS stops working for new tokens', async () => {
    const server = await jwks(k1, k2);
    let nowMs = T0;
    const identity = createIdentity({ now: () => nowMs, logger: recorder().logger });
    const config = configFor(server.url, { jwksRefreshMs: 60_000, jwksCooldownMs: 3_600_000 });
    await identity.authenticate(bearer(await mint(k2, CLAIMS, { exp: T0S + 3600 })), config);
    server.setKeys([k1.publicJwk]);
    nowMs = T0 + 61_000;
    await identity.authenticate(bearer(await mint(k1, CLAIMS, { exp: T0S + 3600 })), config);
    // The refresh runs in the background; poll (bounded) until a fresh k2 token is refused.
    let refused: unknown;
    for (let i = 0; i < 100 && refused === undefined; i++) {
      const token = await mint(k2, { ...CLAIMS, sub: `probe-${i}` }, { exp: T0S + 3600 });
      refused = await identity.authenticate(bearer(token), config).then(() => undefined, (e: unknown) => e);
      if (refused === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(server.hits).toBe(2);
    expect(refused).toBeInstanceOf(GatewayError);
    expect((refused as GatewayError).message).toMatch(/^no key for kid "k2" in the JWKS/);
  });

  it('keeps fetched keys across config reloads', async () => {
    const server = await jwks(k1);
    const identity = createIdentity({ now: () => T0, logger: recorder().logger });
    await identity.authenticate(bearer(await mint(k1, CLAIMS, { exp: T0S + 60 })), configFor(server.url));
    const reloaded = configFor(server.url);
    await expect(identity.authenticate(bearer(await mint(k1, { ...CLAIMS, sub: 'after-reload' }, { exp: T0S + 60 })), reloaded)).resolves.toMatchObject({ agent: 'after-reload' });
    expect(server.hits).toBe(1);
  });
});
