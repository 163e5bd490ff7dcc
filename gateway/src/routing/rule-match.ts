import type { NumberRange, RuleCondition } from '../config/sections/models.js';
import { globMatch } from '../identity/glob.js';

/** What routing rules can see of a request. `inputTokens` is counted only if a rule asks. */
export interface RequestFacts {
  header(name: string): string | undefined;
  readonly team: string | undefined;
  readonly agent: string | undefined;
  readonly claims: Readonly<Record<string, unknown>> | undefined;
  /** Path without the query string. */
  readonly path: string;
  inputTokens(): number;
  readonly hasTools: boolean;
  readonly stream: boolean;
  readonly attrs: Readonly<Record<string, unknown>>;
}

/** Whole-string glob (`*` any run, `?` one character): the one identity's policies use. */
export { globMatch };

export type FactsPredicate = (f: RequestFacts) => boolean;

/** Span attributes that mark a request as sensitive (set by the guardrails stage). */
export const SENSITIVE_ATTRS = { hits: 'sluice.guardrail.hits', flag: 'sluice.sensitive' } as const;

const list = (v: string | readonly string[]): readonly string[] => (typeof v === 'string' ? [v] : v);

function anyGlob(patterns: string | readonly string[], value: string | undefined): boolean {
  if (value === undefined) return false;
  return list(patterns).some((p) => globMatch(p, value));
}

/** True when `n` is inside every bound given. */
export function inRange(n: number, r: NumberRange): boolean {
  if (r.gt !== undefined && !(n > r.gt)) return false;
  if (r.gte !== undefined && !(n >= r.gte)) return false;
  if (r.lt !== undefined && !(n < r.lt)) return false;
  if (r.lte !== undefined && !(n <= r.lte)) return false;
  return true;
}

/** Reads a claim: the whole path as a key first (namespaced claims), then `.`-separated nesting. */
export function claimAt(claims: Readonly<Record<string, unknown>> | undefined, path: string): unknown {
  if (!claims) return undefined;
  if (Object.hasOwn(claims, path)) return claims[path];
  let cur: unknown = claims;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function claimMatches(value: unknown, patterns: string | readonly string[]): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && anyGlob(patterns, String(v)));
}

function attrMatches(value: unknown, want: string | readonly string[] | NumberRange | boolean): boolean {
  if (typeof want === 'boolean') return value === want;
  if (typeof want === 'string' || Array.isArray(want)) return claimMatches(value, want as string | readonly string[]);
  return typeof value === 'number' && inRange(value, want as NumberRange);
}

/** Whether earlier stages flagged the request as carrying sensitive data. */
export function isSensitive(attrs: Readonly<Record<string, unknown>>): boolean {
  const hits = attrs[SENSITIVE_ATTRS.hits];
  return (typeof hits === 'number' && hits > 0) || attrs[SENSITIVE_ATTRS.flag] === true;
}

/** Compiles a rule's `when` into a predicate (cheap checks first; tokens are counted last, once). */
export function compileCondition(c: RuleCondition): FactsPredicate {
  const checks: FactsPredicate[] = [];
  if (c.stream !== undefined) checks.push((f) => f.stream === c.stream);
  if (c.tools !== undefined) checks.push((f) => f.hasTools === c.tools);
  if (c.sensitive !== undefined) checks.push((f) => isSensitive(f.attrs) === c.sensitive);
  if (c.path !== undefined) checks.push((f) => anyGlob(c.path!, f.path));
  if (c.team !== undefined) checks.push((f) => anyGlob(c.team!, f.team));
  if (c.agent !== undefined) checks.push((f) => anyGlob(c.agent!, f.agent));
  for (const [name, want] of Object.entries(c.header ?? {})) checks.push((f) => anyGlob(want, f.header(name)));
  for (const [path, want] of Object.entries(c.claims ?? {})) checks.push((f) => claimMatches(claimAt(f.claims, path), want));
  for (const [name, want] of Object.entries(c.attrs ?? {})) checks.push((f) => attrMatches(f.attrs[name], want));
  if (c.inputTokens !== undefined) checks.push((f) => inRange(f.inputTokens(), c.inputTokens!));
  return (f) => checks.every((check) => check(f));
}
