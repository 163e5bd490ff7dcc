import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PoliciesSectionSchema, type PoliciesSection } from '../config/sections/policies.js';
import type { Identity } from '../pipeline/context.js';
import { canUseModel, canUseTool, visibleModels } from './access.js';
import { compilePolicy } from './policy-compile.js';
import { evaluatePolicy } from './policy-evaluate.js';
import { testConfig } from './test/config.js';

const who = (agent: string, team?: string): Identity => ({ method: 'virtual-key', agent, ...(team === undefined ? {} : { team }) });

/** The README's example, read from the README so the doc cannot drift from what is tested. */
function readmeExample(): unknown {
  const text = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
  const after = text.split('<!-- example: ai-research-qa')[1];
  const block = /```yaml\n([\s\S]*?)```/.exec(after ?? '');
  if (block === null) throw new Error('README example block not found');
  return parse(block[1]);
}

describe("the report's example: only team ai-research may use the openai route; QA may not", () => {
  const { policies } = readmeExample() as { policies: unknown };
  const config = testConfig({ auth: { teams: { 'ai-research': {}, qa: {} } }, policies: policies as PoliciesSection });

  it('lets ai-research use openai models', () => {
    expect(canUseModel(who('peterj', 'ai-research'), 'gpt-4', config).allowed).toBe(true);
    expect(canUseModel(who('peterj', 'ai-research'), 'openai/gpt-4.1', config).allowed).toBe(true);
  });
  it('refuses QA on openai, naming the rule', () => {
    expect(canUseModel(who('tester', 'qa'), 'gpt-4', config)).toMatchObject({ allowed: false, rule: 'openai-is-for-ai-research' });
    expect(canUseModel(who('tester', 'qa'), 'openai/gpt-4.1', config).allowed).toBe(false);
    // gpt-4o is served by openai and azure: one denied provider is enough to refuse it.
    expect(canUseModel(who('tester', 'qa'), 'gpt-4o', config).allowed).toBe(false);
  });
  it('leaves QA the other providers, and refuses callers without a team', () => {
    expect(canUseModel(who('tester', 'qa'), 'claude-3-opus', config).allowed).toBe(true);
    expect(canUseModel(who('loner'), 'gpt-4', config).allowed).toBe(false);
  });
  it('filters the model list per caller', () => {
    expect(visibleModels(who('tester', 'qa'), config)).toEqual(['claude-3-opus']);
    expect(visibleModels(who('peterj', 'ai-research'), config)).toEqual(['gpt-4', 'gpt-3.5-turbo', 'gpt-4o', 'claude-3-opus']);
  });
});

describe('policy rules', () => {
  const config = testConfig({
    auth: { jwt: [{ issuer: 'iss', jwksUrl: 'https://idp.example/jwks' }] },
    policies: {
      default: 'deny',
      rules: [
        { name: 'gpt-for-all', allow: { models: ['gpt-*'] } },
        { name: 'no-gpt-4-for-interns', match: { agent: 'intern-*' }, deny: { models: 'gpt-4' } },
        { name: 'tools', allow: { servers: ['docs'], tools: ['search', 'github/read_*'] } },
        { name: 'no-delete', deny: { tools: ['*/delete_*'] } },
        { name: 'admins-by-claim', match: { claims: { 'org.roles': 'sluice-*' } }, allow: { providers: '*' } },
      ],
    },
  });

  it('falls back to the explicit default', () => {
    expect(canUseModel(who('a'), 'claude-3-opus', config)).toMatchObject({ allowed: false, rule: 'default' });
    expect(canUseModel(who('a'), 'gpt-4', config)).toMatchObject({ allowed: true, rule: 'gpt-for-all' });
  });
  it('lets deny win over allow', () => {
    expect(canUseModel(who('intern-7'), 'gpt-4', config)).toMatchObject({ allowed: false, rule: 'no-gpt-4-for-interns' });
    expect(canUseModel(who('intern-7'), 'gpt-4o', config).allowed).toBe(true);
  });
  it('matches claims by nested path and glob', () => {
    const jwtIdentity: Identity = { method: 'jwt', agent: 'x', claims: { iss: 'iss', org: { roles: ['dev', 'sluice-admin'] } } };
    expect(canUseModel(jwtIdentity, 'claude-3-opus', config)).toMatchObject({ allowed: true, rule: 'admins-by-claim' });
    // A JWT identity whose issuer is not (or no longer) configured fails closed.
    expect(canUseModel({ ...jwtIdentity, claims: { org: { roles: ['sluice-admin'] } } }, 'claude-3-opus', config)).toMatchObject({ allowed: false, rule: 'token-grants' });
  });
  it('decides tools by server, bare tool or server/tool, with deny winning', () => {
    expect(canUseTool(who('a'), 'docs', 'anything', config).allowed).toBe(true);
    expect(canUseTool(who('a'), 'jira', 'search', config).allowed).toBe(true);
    expect(canUseTool(who('a'), 'github', 'read_file', config).allowed).toBe(true);
    expect(canUseTool(who('a'), 'github', 'write_file', config).allowed).toBe(false);
    expect(canUseTool(who('a'), 'docs', 'delete_page', config)).toMatchObject({ allowed: false, rule: 'no-delete' });
  });
  it('refuses unknown models under default deny (no probing which models exist)', () => {
    expect(canUseModel(who('a'), 'nope', config).allowed).toBe(false);
    expect(canUseModel(who('a'), 'constructor', config).allowed).toBe(false);
  });
  it('allows everything without rules', () => {
    expect(canUseModel(who('a'), 'gpt-4', testConfig()).allowed).toBe(true);
  });
});

// Property tests over literal names (glob semantics are tested in glob.test.ts).
const TEAMS = ['a', 'b'] as const;
const MODELS = ['m1', 'm2', 'm3'] as const;
const PROVIDERS = ['p1', 'p2'] as const;
const setArb = fc.record({ models: fc.subarray([...MODELS], { minLength: 1 }), providers: fc.subarray([...PROVIDERS], { minLength: 1 }) }, { requiredKeys: [] }).filter((s) => Object.keys(s).length > 0);
const ruleArb = fc.record({ team: fc.option(fc.constantFrom(...TEAMS), { nil: undefined }), allow: fc.option(setArb, { nil: undefined }), deny: fc.option(setArb, { nil: undefined }) }).filter((r) => r.allow !== undefined || r.deny !== undefined);
const policyArb = fc.record({ default: fc.constantFrom('allow' as const, 'deny' as const), rules: fc.array(ruleArb, { maxLength: 5 }) });
const resourceArb = fc.record({ model: fc.constantFrom(...MODELS), providers: fc.subarray([...PROVIDERS], { minLength: 1 }) });
type RawPolicy = { default: 'allow' | 'deny'; rules: Array<{ team?: string; allow?: object; deny?: object }> };

function build(p: RawPolicy) {
  return compilePolicy(
    PoliciesSectionSchema.parse({
      default: p.default,
      rules: p.rules.map((r, i) => ({ name: `r${i}`, match: r.team === undefined ? {} : { team: r.team }, allow: r.allow, deny: r.deny })),
    }),
  );
}

describe('policy properties', () => {
  const identityArb = fc.option(fc.constantFrom(...TEAMS), { nil: undefined }).map((team) => who('x', team));

  it('deny wins: an applicable rule denying the resource always refuses it', () => {
    fc.assert(
      fc.property(policyArb, identityArb, resourceArb, (p, id, res) => {
        const denied = p.rules.some((r) => {
          if (r.deny === undefined || (r.team !== undefined && r.team !== id.team)) return false;
          const d = r.deny as { models?: string[]; providers?: string[] };
          return d.models?.includes(res.model) === true || res.providers.some((x) => d.providers?.includes(x) === true);
        });
        const decision = evaluatePolicy(build(p), id, { kind: 'model', ...res });
        if (denied) expect(decision.allowed).toBe(false);
        if (!denied && p.rules.length === 0) expect(decision.allowed).toBe(p.default === 'allow');
      }),
    );
  });

  it('adding a deny rule never allows more; adding an allow rule never allows less', () => {
    fc.assert(
      fc.property(policyArb, ruleArb, identityArb, resourceArb, (p, extra, id, res) => {
        const before = evaluatePolicy(build(p), id, { kind: 'model', ...res }).allowed;
        const withDeny = evaluatePolicy(build({ ...p, rules: [...p.rules, { ...extra, allow: undefined, deny: extra.deny ?? extra.allow }] }), id, { kind: 'model', ...res }).allowed;
        const withAllow = evaluatePolicy(build({ ...p, rules: [{ ...extra, deny: undefined, allow: extra.allow ?? extra.deny }, ...p.rules] }), id, { kind: 'model', ...res }).allowed;
        if (!before) expect(withDeny).toBe(false);
        if (before) expect(withAllow).toBe(true);
      }),
    );
  });

  it('rule order does not change the outcome', () => {
    fc.assert(
      fc.property(policyArb, identityArb, resourceArb, (p, id, res) => {
        const a = evaluatePolicy(build(p), id, { kind: 'model', ...res }).allowed;
        const b = evaluatePolicy(build({ ...p, rules: [...p.rules].reverse() }), id, { kind: 'model', ...res }).allowed;
        expect(b).toBe(a);
      }),
    );
  });

  it("a token's grants can only narrow what the policy allows", () => {
    const config = testConfig({ auth: { jwt: [{ issuer: 'iss', jwksUrl: 'https://idp.example/jwks' }] } });
    const models = ['gpt-4', 'gpt-3.5-turbo', 'gpt-4o', 'claude-3-opus', 'openai/o3'];
    const grantsArb = fc.dictionary(fc.constantFrom('openai', 'anthropic', 'azure'), fc.subarray(['gpt-4', 'gpt-4o', 'gpt-4o-2024', 'claude-*', '*', 'o3']));
    fc.assert(
      fc.property(grantsArb, fc.constantFrom(...models), (llms, model) => {
        const plain: Identity = { method: 'jwt', agent: 'x', claims: { iss: 'iss' } };
        const narrowed: Identity = { method: 'jwt', agent: 'x', claims: { iss: 'iss', llms } };
        if (canUseModel(narrowed, model, config).allowed) expect(canUseModel(plain, model, config).allowed).toBe(true);
      }),
    );
  });
});
