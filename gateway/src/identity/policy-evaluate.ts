import type { Identity } from '../pipeline/context.js';
import { claimStrings, lookupClaim } from './claim-path.js';
import type { CompiledMatch, CompiledPolicy, CompiledRule, CompiledSet } from './policy-compile.js';

/** What is being asked for: a model (with the providers serving it) or an MCP tool. */
export type Resource =
  | { kind: 'model'; model: string; providers: readonly string[] }
  | { kind: 'tool'; server: string; tool: string };

/** An access decision. `rule` is the deciding rule's name, `default`, or `token-grants`. */
export interface Decision {
  allowed: boolean;
  rule: string;
  reason: string;
}

/**
 * Evaluates the rules that apply to `identity`. Deny wins: any applicable rule whose `deny`
 * covers the resource refuses it, whatever allows exist. A model is allowed when a rule
 * allows its name, or every provider serving it is allowed by some rule; a tool when a rule
 * allows its server or the tool. Otherwise the explicit default decides.
 */
export function evaluatePolicy(policy: CompiledPolicy, identity: Identity, resource: Resource): Decision {
  const rules = policy.rules.filter((r) => applies(r, identity, policy.claimDelimiter));
  const what = describeResource(resource);
  const denying = rules.find((r) => r.deny !== undefined && denies(r.deny, resource));
  if (denying !== undefined) return { allowed: false, rule: denying.name, reason: `rule ${denying.name} denies ${what}` };
  const allowing = allowingRule(rules, resource);
  if (allowing !== undefined) return { allowed: true, rule: allowing.name, reason: `rule ${allowing.name} allows ${what}` };
  return { allowed: policy.default === 'allow', rule: 'default', reason: `no rule decides ${what}; default ${policy.default}` };
}

function applies(rule: CompiledRule, identity: Identity, delimiter: string): boolean {
  return matches(rule.match, identity, delimiter) && (rule.except === undefined || !matches(rule.except, identity, delimiter));
}

function matches(m: CompiledMatch, identity: Identity, delimiter: string): boolean {
  if (m.agent !== undefined && !m.agent(identity.agent)) return false;
  if (m.team !== undefined && (identity.team === undefined || !m.team(identity.team))) return false;
  for (const { path, matcher } of m.claims) {
    const claims = identity.claims;
    if (claims === undefined || !claimStrings(lookupClaim(claims, path, delimiter)).some(matcher)) return false;
  }
  return true;
}

function denies(set: CompiledSet, r: Resource): boolean {
  if (r.kind === 'model') return set.models?.(r.model) === true || (set.providers !== undefined && r.providers.some(set.providers));
  return toolCovered(set, r.server, r.tool);
}

function allowingRule(rules: readonly CompiledRule[], r: Resource): CompiledRule | undefined {
  if (r.kind === 'tool') return rules.find((rule) => rule.allow !== undefined && toolCovered(rule.allow, r.server, r.tool));
  const byName = rules.find((rule) => rule.allow?.models?.(r.model) === true);
  if (byName !== undefined || r.providers.length === 0) return byName;
  const perProvider = r.providers.map((p) => rules.find((rule) => rule.allow?.providers?.(p) === true));
  return perProvider.every((rule) => rule !== undefined) ? perProvider[0] : undefined;
}

function toolCovered(set: CompiledSet, server: string, tool: string): boolean {
  return set.servers?.(server) === true || set.tools?.(tool) === true || set.serverTools?.(`${server}/${tool}`) === true;
}

function describeResource(r: Resource): string {
  return r.kind === 'model' ? `model ${r.model}${r.providers.length > 0 ? ` (${r.providers.join(', ')})` : ''}` : `tool ${r.server}/${r.tool}`;
}
