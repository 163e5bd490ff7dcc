import { describe, expect, it } from 'vitest';
import { parseConfig, parseConfigText } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { compileRules, selectTargets } from './group-rules.js';
import type { RequestFacts } from './rule-match.js';
import { globMatch, inRange } from './rule-match.js';
import { effectiveRouting } from './settings.js';
import { ROUTING_EXAMPLE_YAML } from './test/example-config.js';

function load(): Config {
  const r = parseConfigText(ROUTING_EXAMPLE_YAML);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

function facts(over: Partial<Omit<RequestFacts, 'header' | 'inputTokens'>> & { headers?: Record<string, string>; tokens?: number } = {}): RequestFacts & { counted: () => number } {
  let counted = 0;
  return {
    header: (n) => over.headers?.[n],
    team: over.team,
    agent: over.agent,
    claims: over.claims,
    path: over.path ?? '/v1/chat/completions',
    inputTokens: () => {
      counted++;
      return over.tokens ?? 10;
    },
    hasTools: over.hasTools ?? false,
    stream: over.stream ?? false,
    attrs: over.attrs ?? {},
    counted: () => counted,
  };
}

const ids = (cfg: Config, idx: readonly number[]) => idx.map((i) => `${cfg.models.assistant.targets[i].provider}/${cfg.models.assistant.targets[i].model}`);

describe('routing rules from the report examples (YAML)', () => {
  const cfg = load();
  const group = cfg.models.assistant;
  const rules = compileRules('assistant', group);
  const pick = (f: RequestFacts) => selectTargets(rules, group, f);

  it('sends requests with sensitive data to the self-hosted model only', () => {
    const byHits = pick(facts({ attrs: { 'sluice.guardrail.hits': 2 } }));
    expect(byHits.rule).toBe('sensitive-stays-home');
    expect(ids(cfg, byHits.primary)).toEqual(['vllm/llama-3.1-70b']);
    expect(byHits.fallback).toEqual([]);
    expect(pick(facts({ attrs: { 'sluice.sensitive': true } })).rule).toBe('sensitive-stays-home');
    expect(pick(facts({ attrs: { 'sluice.guardrail.hits': 0 } })).rule).toBeUndefined();
  });

  it('routes by a complexity header, falling back to the rest of the group', () => {
    const s = pick(facts({ headers: { 'x-sluice-complexity': 'high' } }));
    expect(s.rule).toBe('complex-first');
    expect(ids(cfg, s.primary)).toEqual(['openai/gpt-4o']);
    expect(ids(cfg, s.fallback)).toEqual(['openai/gpt-4o-mini', 'vllm/llama-3.1-70b']);
    expect(pick(facts({ headers: { 'x-sluice-complexity': 'low' } })).rule).toBeUndefined();
  });

  it('routes by team and by claim', () => {
    expect(pick(facts({ team: 'research' })).rule).toBe('research-gets-large');
    expect(pick(facts({ claims: { org: { tier: 'gold' } } })).rule).toBe('gold-tier');
    expect(pick(facts({ claims: { 'org.tier': 'gold' } })).rule).toBe('gold-tier');
    expect(pick(facts({ team: 'sales' })).rule).toBeUndefined();
  });

  it('routes by counted size, by tools and by path; counts tokens only when a rule gets that far', () => {
    const big = facts({ tokens: 9_000 });
    expect(pick(big).rule).toBe('big-prompts');
    expect(pick(big).strategy).toBe('priority');
    const sensitive = facts({ attrs: { 'sluice.sensitive': true }, tokens: 9_000 });
    pick(sensitive);
    expect(sensitive.counted()).toBe(0);
    const tools = pick(facts({ hasTools: true }));
    expect(tools.rule).toBe('tool-calls');
    expect(ids(cfg, tools.primary)).toEqual(['openai/gpt-4o', 'openai/gpt-4o-mini']);
    expect(pick(facts({ path: '/v1/messages' })).rule).toBe('messages-api');
  });

  it('without a matching rule, every target under the group strategy', () => {
    const s = pick(facts());
    expect(s.primary).toEqual([0, 1, 2]);
    expect(s.strategy).toBe('least-latency');
  });

  it('merges group routing overrides over the gateway defaults, field by field', () => {
    const eff = effectiveRouting(cfg.routing, group);
    expect(eff.retry.maxAttempts).toBe(4);
    expect(eff.retry.backoff).toEqual({ initialMs: 50, maxMs: 2_000, multiplier: 2 });
    expect(eff.retry.retryOn).toEqual(['connect', 'timeout', 'rate-limited', 'server-error']);
    expect(eff.hedging).toEqual({ enabled: true, afterMs: 1_500, maxHedges: 1 });
    expect(effectiveRouting(cfg.routing, cfg.models.cheap)).toBe(cfg.routing);
  });
});

describe('rule config is validated with paths', () => {
  it('refuses unknown targets, unknown tags, empty use and duplicate targets', () => {
    const r = parseConfig({
      providers: [{ name: 'p', kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1' }],
      models: {
        g: {
          targets: [{ provider: 'p', model: 'a' }, { provider: 'p', model: 'a' }],
          rules: [{ use: { targets: ['p/zzz'] } }, { use: { tags: ['nope'] } }, { use: {} }],
        },
      },
    });
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['models.g.targets.1', 'models.g.rules.0.use.targets', 'models.g.rules.1.use.tags', 'models.g.rules.2.use']));
  });

  it('refuses unknown keys in routing and in a group override', () => {
    const r = parseConfig({ routing: { retry: { maxAttempt: 3 } }, providers: [{ name: 'p', kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1' }], models: { g: { targets: [{ provider: 'p' }], routing: { breaker: { treshold: 1 } } } } });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['routing.retry', 'models.g.routing.breaker']));
  });
});

describe('globs and ranges', () => {
  it('matches whole strings with * and ?', () => {
    expect(globMatch('/v1/*', '/v1/chat/completions')).toBe(true);
    expect(globMatch('ml-?', 'ml-a')).toBe(true);
    expect(globMatch('ml-?', 'ml-ab')).toBe(false);
    expect(globMatch('gold', 'golden')).toBe(false);
  });
  it('checks every bound', () => {
    expect(inRange(5, { gt: 4, lte: 5 })).toBe(true);
    expect(inRange(5, { gt: 5 })).toBe(false);
  });
});
