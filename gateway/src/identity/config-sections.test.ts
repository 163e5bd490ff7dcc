import { describe, expect, it } from 'vitest';
import { AuthSectionSchema } from '../config/sections/auth.js';
import { PoliciesSectionSchema } from '../config/sections/policies.js';

const HASH = `sha256:${'a'.repeat(64)}`;

function issues(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }): string[] {
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('auth section', () => {
  it('defaults to no methods and anonymous off', () => {
    expect(AuthSectionSchema.parse(undefined)).toEqual({ virtualKeys: [], agents: {}, teams: {}, jwt: [], anonymous: { enabled: false, agent: 'anonymous' }, admins: [] });
  });

  it('fills issuer defaults', () => {
    const auth = AuthSectionSchema.parse({ jwt: [{ issuer: 'sso.solo.io', jwksUrl: 'https://sso.solo.io/jwks' }] });
    expect(auth.jwt[0]).toMatchObject({ algorithms: ['RS256', 'ES256'], clockSkewSec: 30, agentClaim: 'sub', teamClaim: 'team', claimDelimiter: '.', grantsClaim: 'llms', requireExp: true });
  });

  it("refuses alg 'none', HMAC, plain-http JWKS and ambiguous key sources, with paths", () => {
    const r = AuthSectionSchema.safeParse({
      jwt: [
        { issuer: 'a', jwksUrl: 'https://a/jwks', algorithms: ['none'] },
        { issuer: 'b', jwksUrl: 'https://b/jwks', algorithms: ['HS256'] },
        { issuer: 'c', jwksUrl: 'http://idp.example.com/jwks' },
        { issuer: 'd' },
        { issuer: 'e', jwksUrl: 'https://e/jwks', keys: [{ env: 'K' }] },
      ],
    });
    const found = issues(r);
    expect(found.some((s) => s.startsWith('jwt.0.algorithms.0'))).toBe(true);
    expect(found.some((s) => s.startsWith('jwt.1.algorithms.0'))).toBe(true);
    expect(found).toContain('jwt.2.jwksUrl: must be https (http only for localhost/127.0.0.1/[::1])');
    expect(found).toContain('jwt.3.jwksUrl: give exactly one of jwksUrl or keys');
    expect(found).toContain('jwt.4.jwksUrl: give exactly one of jwksUrl or keys');
  });

  it('refuses private key material inline', () => {
    const r = AuthSectionSchema.safeParse({
      jwt: [{ issuer: 'a', keys: [{ pem: '-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----' }, { jwk: { kty: 'RSA', n: 'x', e: 'AQAB', d: 'secret' } }] }],
    });
    const found = issues(r);
    expect(found.some((s) => s.startsWith('jwt.0.keys.0'))).toBe(true);
    expect(found.some((s) => s.startsWith('jwt.0.keys.1'))).toBe(true);
    expect(JSON.stringify(r.error?.issues)).not.toContain('secret');
  });

  it('checks keys: hash format, duplicates, declared teams, agent/team consistency', () => {
    const r = AuthSectionSchema.safeParse({
      teams: { qa: {} },
      agents: { bob: { team: 'qa' } },
      virtualKeys: [
        { id: 'k1', hash: 'plain-key', agent: 'a' },
        { id: 'k2', hash: HASH, agent: 'a', team: 'qa-typo' },
        { id: 'k2', hash: HASH, agent: 'bob', team: 'qa' },
        { id: 'k3', hash: `sha256:${'b'.repeat(64)}`, agent: 'bob', team: 'ai-research' },
      ],
    });
    const found = issues(r);
    expect(found.some((s) => s.startsWith('virtualKeys.0.hash'))).toBe(true);
    expect(found).toContain('virtualKeys.1.team: team "qa-typo" is not declared under auth.teams');
    expect(found).toContain('virtualKeys.2.id: duplicate key id "k2"');
    expect(found).toContain('virtualKeys.2.hash: duplicate key hash');
    expect(found).toContain('virtualKeys.3.team: agent "bob" is declared in team "qa"');
  });

  it('accepts per-team provider keys as one reference or several', () => {
    const auth = AuthSectionSchema.parse({ teams: { air: { costCenter: 'cc-1', providerKeys: { openai: { env: 'A' }, anthropic: [{ env: 'B' }, { file: '/f' }] } } } });
    expect(auth.teams.air.providerKeys.anthropic).toEqual([{ env: 'B' }, { file: '/f' }]);
    expect(AuthSectionSchema.safeParse({ teams: { air: { providerKeys: { openai: 'sk-inline' } } } }).success).toBe(false);
  });

  it('refuses unknown keys', () => {
    expect(issues(AuthSectionSchema.safeParse({ virtualkeys: [] }))[0]).toMatch(/virtualkeys/);
  });
});

describe('policies section', () => {
  it('requires an explicit default once rules exist', () => {
    expect(issues(PoliciesSectionSchema.safeParse({ rules: [{ name: 'r', deny: { models: 'x' } }] }))).toContain('default: set default: allow or default: deny (required when rules exist)');
    expect(PoliciesSectionSchema.parse(undefined)).toEqual({ claimDelimiter: '.', rules: [] });
  });

  it('refuses rules that do nothing, empty sets, empty except and duplicate names', () => {
    const found = issues(
      PoliciesSectionSchema.safeParse({
        default: 'deny',
        rules: [{ name: 'a' }, { name: 'b', allow: {} }, { name: 'c', except: {}, deny: { models: 'x' } }, { name: 'c', deny: { models: 'y' } }],
      }),
    );
    expect(found).toContain('rules.0: a rule needs allow or deny');
    expect(found).toContain('rules.1.allow: list at least one of providers, models, servers, tools');
    expect(found).toContain('rules.2.except: an empty except would exclude everyone');
    expect(found).toContain('rules.3.name: duplicate rule name "c"');
  });
});
