import { describe, expect, it } from 'vitest';
import type { SecretSource } from '../config/secret-ref.js';
import { createIdentity } from './create-identity.js';
import { staticKeyProblem, staticKeyResolver } from './static-keys.js';
import { testConfig } from './test/config.js';
import { mint, newSigningKey } from './test/signing-keys.js';

const T0S = Date.parse('2026-03-01T00:00:00Z') / 1000;
const claims = { iss: 'static.example', sub: 'peterj', team: 'ai-research' };

describe('static JWT keys, one of them broken', () => {
  it("a key whose file vanished does not make the issuer's other keys unusable", async () => {
    const good = await newSigningKey('key1', 'ES256');
    const files: Record<string, string> = { '/keys/key2.pem': (await newSigningKey('key2', 'ES256')).publicPem };
    const secrets: SecretSource = { env: {}, readFile: (p) => files[p] ?? (() => { throw Object.assign(new Error('gone'), { code: 'ENOENT' }); })() };
    delete files['/keys/key2.pem']; // removed after the config was checked
    const identity = createIdentity({ now: () => T0S * 1000, logger: { warn: () => {} }, secrets });
    const config = testConfig({
      auth: { teams: { 'ai-research': {} }, jwt: [{ issuer: 'static.example', algorithms: ['ES256'], keys: [{ kid: 'key2', file: '/keys/key2.pem' }, { kid: 'key1', pem: good.publicPem }] }] },
    });
    const token = await mint(good, claims, { exp: T0S + 60 });
    await expect(identity.authenticate({ authorization: `Bearer ${token}` }, config)).resolves.toMatchObject({ method: 'jwt', agent: 'peterj' });
  });

  it('reports the broken key by its source, never its content, and throws only when none is usable', async () => {
    const good = await newSigningKey('key1', 'ES256');
    const secrets: SecretSource = { env: { GARBAGE: 'not-a-key-but-secret-looking-9f8e7d' }, readFile: () => { throw new Error('ENOENT'); } };
    const problems: string[] = [];
    const config = testConfig({ auth: { jwt: [{ issuer: 'static.example', algorithms: ['ES256'], keys: [{ env: 'GARBAGE' }, { env: 'MISSING' }, { pem: good.publicPem }] }] } });
    staticKeyResolver(config.auth.jwt[0], secrets, (p) => problems.push(p));
    expect(problems).toEqual(['keys[0] (env GARBAGE) is not a usable public key', 'keys[1] (env MISSING) is missing or empty']);

    const none = testConfig({ auth: { jwt: [{ issuer: 'static.example', algorithms: ['ES256'], keys: [{ env: 'GARBAGE' }, { env: 'MISSING' }] }] } });
    expect(() => staticKeyResolver(none.auth.jwt[0], secrets)).toThrow('keys[0] (env GARBAGE) is not a usable public key; keys[1] (env MISSING) is missing or empty');
    expect(staticKeyProblem({ env: 'GARBAGE' }, secrets)).toBe('env GARBAGE is not a usable public key');
    expect(staticKeyProblem({ pem: good.publicPem }, secrets)).toBeUndefined();
  });
});
