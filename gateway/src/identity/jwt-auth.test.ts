import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { createIdentity } from './create-identity.js';
import { startJwksServer } from './test/jwks-server.js';
import { testConfig } from './test/config.js';
import { mint, newSigningKey } from './test/signing-keys.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const T0S = T0 / 1000;
const logger = { warn: () => {} };
/** The token from the report this project grew from, verbatim (plus `exp`, which Sluice requires by default). */
const REPORT_CLAIMS = { iss: 'sso.solo.io', sub: 'peterj', team: 'ai-research', llms: { openai: ['gpt-4', 'gpt-3.5-turbo'], anthropic: ['claude-3-opus'] } };

const k1 = await newSigningKey('k1');
const es = await newSigningKey('k1', 'ES256');
const server = await startJwksServer([k1.publicJwk]);
afterAll(() => server.close());

type Issuer = NonNullable<NonNullable<ConfigInput['auth']>['jwt']>[number];
const issuer = (extra: Partial<Issuer> = {}): Issuer => ({ issuer: 'sso.solo.io', jwksUrl: server.url, algorithms: ['RS256'], jwksCooldownMs: 0, ...extra });
const configWith = (...issuers: Issuer[]) => testConfig({ auth: { teams: { 'ai-research': { costCenter: 'cc-4200' } }, jwt: issuers } });

async function reason(p: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(err)}`);
  expect(err.message).not.toMatch(/\n\s+at /);
  return { code: err.code, status: err.status, message: err.message };
}

describe("the report's JWT", () => {
  const identity = createIdentity({ now: () => T0, logger });
  const config = configWith(issuer());

  it('identifies peterj of ai-research and grants gpt-4', async () => {
    const token = await mint(k1, REPORT_CLAIMS, { exp: T0S + 3600 });
    const who = await identity.authenticate({ authorization: `Bearer ${token}` }, config);
    expect(who).toMatchObject({ method: 'jwt', agent: 'peterj', team: 'ai-research', costCenter: 'cc-4200' });
    expect(identity.canUseModel(who, 'gpt-4', config)).toMatchObject({ allowed: true });
    expect(identity.canUseModel(who, 'claude-3-opus', config).allowed).toBe(true);
    expect(identity.canUseModel(who, 'openai/gpt-3.5-turbo', config).allowed).toBe(true);
  });

  it('refuses a model outside its llms claim, and lists only granted models', async () => {
    const token = await mint(k1, REPORT_CLAIMS, { exp: T0S + 3600 });
    const who = await identity.authenticate({ 'x-api-key': token }, config);
    expect(identity.canUseModel(who, 'gpt-4o', config)).toMatchObject({ allowed: false, rule: 'token-grants' });
    expect(identity.canUseModel(who, 'openai/o3', config).allowed).toBe(false);
    expect(identity.visibleModels(who, config)).toEqual(['gpt-4', 'gpt-3.5-turbo', 'claude-3-opus']);
  });
});

describe('bad tokens get a reason a developer can act on', () => {
  const identity = createIdentity({ now: () => T0, logger });
  const config = configWith(issuer(), issuer({ issuer: 'aud.example', audience: 'sluice' }));
  const auth = (token: string) => identity.authenticate({ authorization: `Bearer ${token}` }, config);

  it('expired, within skew, not yet valid', async () => {
    expect(await reason(auth(await mint(k1, REPORT_CLAIMS, { exp: T0S - 100 })))).toEqual({ code: 'GW_AUTH_INVALID', status: 401, message: `token expired at ${new Date((T0S - 100) * 1000).toISOString()}` });
    await expect(auth(await mint(k1, REPORT_CLAIMS, { exp: T0S - 10 }))).resolves.toMatchObject({ agent: 'peterj' });
    expect((await reason(auth(await mint(k1, REPORT_CLAIMS, { exp: T0S + 3600, nbf: T0S + 600 })))).message).toBe(`token is not valid before ${new Date((T0S + 600) * 1000).toISOString()}`);
  });

  it('wrong issuer, wrong or missing audience, missing exp, missing iss, missing sub', async () => {
    expect((await reason(auth(await mint(k1, { ...REPORT_CLAIMS, iss: 'evil.example' }, { exp: T0S + 60 })))).message).toBe('issuer "evil.example" is not accepted');
    const aud = { ...REPORT_CLAIMS, iss: 'aud.example' };
    expect((await reason(auth(await mint(k1, aud, { exp: T0S + 60, aud: 'other' })))).message).toBe('token audience "other" is not accepted (expected "sluice")');
    expect((await reason(auth(await mint(k1, aud, { exp: T0S + 60 })))).message).toBe('token has no "aud" claim, which issuer "aud.example" requires');
    await expect(auth(await mint(k1, aud, { exp: T0S + 60, aud: ['x', 'sluice'] }))).resolves.toMatchObject({ agent: 'peterj' });
    expect((await reason(auth(await mint(k1, REPORT_CLAIMS)))).message).toBe('token has no "exp" claim, which issuer "sso.solo.io" requires');
    const { iss: _iss, ...noIss } = REPORT_CLAIMS;
    expect((await reason(auth(await mint(k1, noIss, { exp: T0S + 60 })))).message).toBe('token has no "iss" claim');
    const { sub: _sub, ...noSub } = REPORT_CLAIMS;
    expect((await reason(auth(await mint(k1, noSub, { exp: T0S + 60 })))).message).toBe('token has no "sub" claim to identify the agent');
  });

  it('wrong signature, tampered payload, unknown kid after refresh', async () => {
    const stranger = await newSigningKey('k1');
    expect((await reason(auth(await mint(stranger, REPORT_CLAIMS, { exp: T0S + 60 })))).message).toBe('token signature verification failed');
    const good = await mint(k1, REPORT_CLAIMS, { exp: T0S + 60 });
    const [h, , s] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ ...REPORT_CLAIMS, sub: 'admin', exp: T0S + 60 })).toString('base64url');
    expect((await reason(auth(`${h}.${forged}.${s}`))).message).toBe('token signature verification failed');
    const hits = server.hits;
    expect((await reason(auth(await mint(await newSigningKey('k-unknown'), REPORT_CLAIMS, { exp: T0S + 60 })))).message).toBe('no key for kid "k-unknown" after refreshing the JWKS of issuer "sso.solo.io"');
    expect(server.hits).toBe(hits + 1);
  });

  it("algorithms outside the allow-list, 'none' and HMAC confusion", async () => {
    expect((await reason(auth(await mint(es, REPORT_CLAIMS, { exp: T0S + 60 })))).message).toBe('algorithm "ES256" is not accepted for issuer "sso.solo.io" (accepted: RS256)');
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsecured = `${b64({ alg: 'none', kid: 'k1' })}.${b64({ ...REPORT_CLAIMS, exp: T0S + 60 })}.`;
    expect((await reason(auth(unsecured))).message).toBe('algorithm "none" is not accepted for issuer "sso.solo.io" (accepted: RS256)');
    const { createHmac } = await import('node:crypto');
    const input = `${b64({ alg: 'HS256', kid: 'k1' })}.${b64({ ...REPORT_CLAIMS, exp: T0S + 60 })}`;
    const hmac = createHmac('sha256', JSON.stringify(k1.publicJwk)).update(input).digest('base64url');
    expect((await reason(auth(`${input}.${hmac}`))).message).toBe('algorithm "HS256" is not accepted for issuer "sso.solo.io" (accepted: RS256)');
  });

  it('malformed tokens and malformed grants', async () => {
    expect((await reason(auth('eyJhbGciOi.eyJ.x'))).message).toMatch(/^malformed token: /);
    expect((await reason(auth(await mint(k1, { ...REPORT_CLAIMS, llms: ['gpt-4'] }, { exp: T0S + 60 })))).message).toBe('token claim "llms" must map provider names to lists of model names');
    expect((await reason(auth(await mint(k1, { ...REPORT_CLAIMS, team: { name: 'x' } }, { exp: T0S + 60 })))).message).toBe('token claim "team" must be a string (the team)');
  });
});

describe('claim mapping and token cache', () => {
  it('reads nested team paths, custom agent claims, admin claims and jti', async () => {
    const identity = createIdentity({ now: () => T0, logger });
    const config = configWith(issuer({ agentClaim: 'preferred_username', teamClaim: 'org/team', claimDelimiter: '/', adminClaim: 'roles', adminValue: 'sluice-admin' }));
    const token = await mint(k1, { iss: 'sso.solo.io', sub: 'u-1', preferred_username: 'peterj', org: { team: 'ai-research' }, roles: ['dev', 'sluice-admin'], jti: 'tok-9' }, { exp: T0S + 60 });
    expect(await identity.authenticate({ authorization: `Bearer ${token}` }, config)).toMatchObject({ agent: 'peterj', team: 'ai-research', admin: true, keyId: 'tok-9' });
  });

  it('serves a cached token until exp (+skew), and not past a config reload that drops the issuer', async () => {
    let nowMs = T0;
    const identity = createIdentity({ now: () => nowMs, logger, tokenCacheTtlMs: 3_600_000 });
    const config = configWith(issuer({ clockSkewSec: 5 }));
    const token = await mint(k1, REPORT_CLAIMS, { exp: T0S + 60 });
    const headers = { authorization: `Bearer ${token}` };
    const first = await identity.authenticate(headers, config);
    expect(await identity.authenticate(headers, config)).toBe(first);
    nowMs = T0 + 64_000;
    expect(await identity.authenticate(headers, config)).toBe(first);
    nowMs = T0 + 65_000;
    expect((await reason(identity.authenticate(headers, config))).message).toMatch(/^token expired at /);
    nowMs = T0;
    await identity.authenticate(headers, config);
    const reloaded = testConfig({ auth: { jwt: [issuer({ issuer: 'someone-else' })] } });
    expect((await reason(identity.authenticate(headers, reloaded))).message).toBe('issuer "sso.solo.io" is not accepted');
  });
});

describe('static keys', () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  it('verify with inline PEM, inline JWK, a JWKS file and a PEM env variable; several keys without kid', async () => {
    const ec = await newSigningKey('ec-1', 'ES256');
    const decoy = await newSigningKey('other', 'ES256');
    const { kid: _kid, ...decoyNoKid } = decoy.publicJwk;
    const files: Record<string, string> = { '/keys/jwks.json': JSON.stringify({ keys: [ec.publicJwk] }) };
    const secrets = { env: { JWT_PEM: ec.publicPem, EMPTY: '' }, readFile: (p: string) => files[p] ?? (() => { throw new Error('ENOENT'); })() };
    const identity = createIdentity({ now: () => T0, logger, secrets });
    const claims = { ...REPORT_CLAIMS, iss: 'static.example' };
    const token = await mint(ec, claims, { exp: T0S + 60, withKid: false });
    for (const keys of [[{ pem: ec.publicPem }], [{ jwk: ec.publicJwk as Record<string, unknown> as { kty: string } }], [{ file: '/keys/jwks.json' }], [{ env: 'JWT_PEM' }], [{ jwk: decoyNoKid as { kty: string } }, { pem: ec.publicPem }]]) {
      const config = testConfig({ auth: { teams: { 'ai-research': {} }, jwt: [{ issuer: 'static.example', keys, algorithms: ['ES256'] }] } });
      await expect(identity.authenticate({ authorization: `Bearer ${token}` }, config)).resolves.toMatchObject({ agent: 'peterj' });
    }
    const missing = testConfig({ auth: { jwt: [{ issuer: 'static.example', keys: [{ env: 'EMPTY' }], algorithms: ['ES256'] }] } });
    expect(await reason(identity.authenticate({ authorization: `Bearer ${token}` }, missing))).toMatchObject({ code: 'GW_AUTH_UNAVAILABLE', status: 503, message: 'cannot verify tokens of issuer "static.example": keys[0] (env EMPTY) is missing or empty' });
    const privateFile = testConfig({ auth: { jwt: [{ issuer: 'static.example', keys: [{ file: '/keys/private.pem' }], algorithms: ['ES256'] }] } });
    files['/keys/private.pem'] = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect((await reason(identity.authenticate({ authorization: `Bearer ${token}` }, privateFile))).message).toBe('cannot verify tokens of issuer "static.example": keys[0] (file /keys/private.pem) holds private or symmetric key material; give the public key');
    const wrongKid = testConfig({ auth: { jwt: [{ issuer: 'static.example', keys: [{ kid: 'a', pem: ec.publicPem }], algorithms: ['ES256'] }] } });
    const withKid = await mint(ec, claims, { exp: T0S + 60 });
    expect((await reason(identity.authenticate({ authorization: `Bearer ${withKid}` }, wrongKid))).message).toBe('no configured key of issuer "static.example" for kid "ec-1"');
  });
});

describe('audience lists', () => {
  it('names every accepted audience when none matches', async () => {
    const identity = createIdentity({ now: () => T0, logger });
    const config = configWith(issuer({ audience: ['sluice', 'sluice-staging'] }));
    const token = await mint(k1, REPORT_CLAIMS, { exp: T0S + 60, aud: ['billing', 'crm'] });
    expect((await reason(identity.authenticate({ authorization: `Bearer ${token}` }, config))).message).toBe('token audience ["billing","crm"] is not accepted (expected ["sluice","sluice-staging"])');
  });
});
