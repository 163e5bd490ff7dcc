import type { BudgetRuleConfig, BudgetsSection, MatchConfig } from '../config/sections/budgets.js';
import type { Identity } from '../pipeline/context.js';
import type { BudgetRef } from './ledger.js';
import { windowSpecOf } from './windows.js';

/** A budget rule as it applies to one caller. */
export interface ApplicableBudget {
  ref: BudgetRef;
  rule: BudgetRuleConfig;
}

const listOf = (v: string | string[] | undefined): readonly string[] | undefined => (v === undefined ? undefined : typeof v === 'string' ? [v] : v);

const matches = (want: string | string[] | undefined, have: string | undefined): boolean => {
  const list = listOf(want);
  return list === undefined || (have !== undefined && list.includes(have));
};

/** True when every field given in `match` matches; `model` undefined means "any model" (tool calls, listings). */
export function matchesCaller(match: MatchConfig, identity: Identity, model: string | undefined, kind: 'llm' | 'tool' | 'list'): boolean {
  if (!matches(match.agent, identity.agent) || !matches(match.team, identity.team) || !matches(match.keyId, identity.keyId)) return false;
  if (match.model === undefined || kind === 'list') return true;
  return kind === 'llm' && matches(match.model, model);
}

/** The subject a rule counts spend by for this caller, or undefined when the caller has none (no team). */
export function subjectOf(per: BudgetRuleConfig['per'], identity: Identity): string | undefined {
  if (per === 'agent') return `agent:${identity.agent}`;
  if (per === 'team') return identity.team === undefined ? undefined : `team:${identity.team}`;
  if (per === 'key') return identity.keyId === undefined ? undefined : `key:${identity.keyId}`;
  return 'global';
}

/** The `BudgetRef` of a rule for a subject (limits converted to integer micro-USD). */
export function refOf(rule: BudgetRuleConfig, subject: string, section: BudgetsSection): BudgetRef {
  return {
    name: rule.name,
    subject,
    limitMicroUsd: rule.limitUsd === undefined ? undefined : Math.round(rule.limitUsd * 1_000_000),
    limitTokens: rule.limitTokens,
    window: windowSpecOf(rule.window, rule.timezone ?? section.timezone),
  };
}

/** Every budget that applies to a call by `identity` (all must pass). */
export function applicableBudgets(section: BudgetsSection, identity: Identity, model: string | undefined, kind: 'llm' | 'tool' | 'list'): ApplicableBudget[] {
  const out: ApplicableBudget[] = [];
  for (const rule of section.rules) {
    if (kind === 'tool' && (!rule.includeToolCalls || rule.limitUsd === undefined)) continue;
    if (!matchesCaller(rule.match, identity, model, kind)) continue;
    const subject = subjectOf(rule.per, identity);
    if (subject === undefined) continue;
    out.push({ ref: refOf(rule, subject, section), rule });
  }
  return out;
}
