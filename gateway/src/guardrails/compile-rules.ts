import type { BuiltinEntity, GuardrailDetector, GuardrailRule, GuardrailsSection } from '../config/sections/guardrails.js';
import { cardPattern, emailPattern, ibanPattern, ipv4Pattern, ipv6Pattern, phonePattern, ssnPattern } from './builtin-pii.js';
import { secretPatterns } from './builtin-secrets.js';
import { customRegexPattern } from './custom-regex.js';
import { dictionaryPattern } from './dictionary.js';
import { LOCATIONS } from './locations.js';
import type { MaskEntry } from './masker.js';
import { nationalIdPatterns } from './national-ids.js';
import type { Pattern } from './pattern.js';
import { type PolicySubject, type SubjectMatcher, compileMatch, subjectKey } from './policy-match.js';
import { ScanMemo } from './scan-memo.js';
import type { Direction } from './types.js';

export type ExternalDetector = Extract<GuardrailDetector, { type: 'openai-moderation' | 'webhook' }>;

export interface CompiledRule {
  rule: GuardrailRule;
  /** Local detectors; empty for external moderation rules. */
  patterns: Pattern[];
  external?: ExternalDetector;
}

/** The rules that apply to one direction and subject, ready to scan with. */
export interface RuleSet {
  direction: Direction;
  entries: MaskEntry[];
  external: Array<{ rule: GuardrailRule; detector: ExternalDetector; shadow: boolean }>;
  maxHoldBackChars: number;
  /** True when nothing applies: callers skip all work. */
  empty: boolean;
  /** Request side: what this set made of texts it scanned before (see `ScanMemo`). */
  memo: ScanMemo | undefined;
}

export interface CompiledGuardrails {
  readonly section: GuardrailsSection;
  ruleSet(direction: Direction, subject: PolicySubject): RuleSet;
}

export interface ConfigIssue {
  path: Array<string | number>;
  message: string;
}

const BUILTINS: Record<BuiltinEntity, () => Pattern[]> = {
  EMAIL: () => [emailPattern()],
  PHONE: () => [phonePattern()],
  CREDIT_CARD: () => [cardPattern()],
  US_SSN: () => [ssnPattern()],
  IBAN: () => [ibanPattern()],
  IP_ADDRESS: () => [ipv4Pattern(), ipv6Pattern()],
  SECRET: secretPatterns,
};

const LISTS: Record<'locations', readonly string[]> = { locations: LOCATIONS };

/** Builds one rule's detectors; throws `{path, message}` (relative to the rule) when it cannot. */
function compileRule(rule: GuardrailRule, maxHoldBackChars: number): CompiledRule {
  const d = rule.detect;
  switch (d.type) {
    case 'builtin':
      return { rule, patterns: [...new Set(d.entities)].flatMap((e) => BUILTINS[e]()) };
    case 'national-id':
      return { rule, patterns: nationalIdPatterns([...new Set(d.countries)]) };
    case 'dictionary': {
      const phrases = [...d.lists.flatMap((l) => LISTS[l]), ...d.phrases];
      if (phrases.length === 0) throw { path: ['detect'], message: 'a dictionary needs `lists` or `phrases`' };
      const pattern = dictionaryPattern({ entity: d.entity, phrases });
      if (pattern.decideChars > maxHoldBackChars) {
        throw { path: ['detect', 'phrases'], message: `a phrase is too long to hold back in streams (guardrails.stream.maxHoldBackChars ${maxHoldBackChars})` };
      }
      return { rule, patterns: [pattern] };
    }
    case 'regex':
      try {
        return { rule, patterns: [customRegexPattern(d.entity, d.pattern, d.flags, maxHoldBackChars)] };
      } catch (err) {
        throw { path: ['detect', 'pattern'], message: (err as Error).message };
      }
    case 'openai-moderation':
    case 'webhook':
      if (rule.action === 'mask') {
        throw { path: ['action'], message: 'external moderation takes action reject (enforce its verdict) or log' };
      }
      return { rule, patterns: [], external: d };
  }
}

/** Every problem of a guardrails section, with its path; empty = loadable. */
export function checkGuardrailsSection(section: GuardrailsSection): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = new Set<string>();
  section.rules.forEach((rule, i) => {
    if (names.has(rule.name)) issues.push({ path: ['rules', i, 'name'], message: `duplicate rule "${rule.name}"` });
    names.add(rule.name);
    try {
      compileRule(rule, section.stream.maxHoldBackChars);
    } catch (err) {
      const e = err as ConfigIssue;
      issues.push({ path: ['rules', i, ...(e.path ?? [])], message: e.message ?? String(err) });
    }
  });
  section.policies.forEach((policy, i) => {
    policy.rules.forEach((name, j) => {
      if (name !== '*' && !names.has(name)) issues.push({ path: ['policies', i, 'rules', j], message: `unknown rule "${name}"` });
    });
  });
  return issues;
}

/** Most distinct subjects remembered per config (per direction); cleared when full. */
const RULESET_CACHE_MAX = 1_024;
/** Subjects compared field by field before the keyed cache (no key string to build). */
const RECENT_MAX = 8;

interface RecentSet {
  subject: PolicySubject;
  set: RuleSet;
}

const sameSubject = (a: PolicySubject, b: PolicySubject): boolean =>
  a.route === b.route && a.model === b.model && a.team === b.team && a.agent === b.agent;

function compile(section: GuardrailsSection): CompiledGuardrails {
  const rules = section.rules.map((r) => compileRule(r, section.stream.maxHoldBackChars));
  const policies: Array<{ matches: SubjectMatcher; all: boolean; names: Set<string> }> = section.policies.map((p) => ({
    matches: compileMatch(p.match),
    all: p.rules.includes('*'),
    names: new Set(p.rules),
  }));
  const cache = new Map<string, RuleSet>();
  // One memory for all of the config's request-side sets, each set its own keys.
  const memo = section.scan.memoBytes > 0 ? new ScanMemo(section.scan.memoBytes) : undefined;
  const recent: Record<Direction, RecentSet[]> = { request: [], response: [] };

  const build = (direction: Direction, subject: PolicySubject): RuleSet => {
    const applies = (r: GuardrailRule): boolean =>
      section.enabled && r.directions.includes(direction) && policies.some((p) => (p.all || p.names.has(r.name)) && p.matches(subject));
    const chosen = rules.filter((c) => applies(c.rule));
    const entries: MaskEntry[] = chosen.flatMap((c) =>
      c.patterns.map((pattern) => ({
        pattern,
        rule: c.rule.name,
        action: section.shadow ? 'log' : c.rule.action,
        replacement: c.rule.replacement ?? `[${pattern.entity}]`,
        message: c.rule.message,
      })),
    );
    const external = chosen.flatMap((c) => (c.external ? [{ rule: c.rule, detector: c.external, shadow: section.shadow || c.rule.action === 'log' }] : []));
    const empty = entries.length === 0 && external.length === 0;
    const setMemo = direction === 'request' && !empty ? memo : undefined;
    return { direction, entries, external, maxHoldBackChars: section.stream.maxHoldBackChars, empty, memo: setMemo };
  };

  return {
    section,
    ruleSet(direction, subject) {
      const seen = recent[direction];
      for (const r of seen) if (sameSubject(r.subject, subject)) return r.set;
      const key = `${direction}\u0000${subjectKey(subject)}`;
      let set = cache.get(key);
      if (set === undefined) {
        if (cache.size >= RULESET_CACHE_MAX) cache.clear();
        set = build(direction, subject);
        cache.set(key, set);
      }
      if (seen.length >= RECENT_MAX) seen.pop();
      seen.unshift({ subject: { route: subject.route, model: subject.model, team: subject.team, agent: subject.agent }, set });
      return set;
    },
  };
}

/** Compiled rules per config object: a hot reload swaps the object, so identity is the key. */
export function compileGuardrails(section: GuardrailsSection, cache: WeakMap<GuardrailsSection, CompiledGuardrails>): CompiledGuardrails {
  let c = cache.get(section);
  if (c === undefined) cache.set(section, (c = compile(section)));
  return c;
}
