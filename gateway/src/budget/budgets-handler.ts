import type { Config } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { Identity } from '../pipeline/context.js';
import { applicableBudgets, refOf } from './applicable-budgets.js';
import { formatUsd } from './budget-errors.js';
import type { BudgetLedger, BudgetRef } from './ledger.js';

/** One budget of one subject, as `GET /v1/budgets` returns it. Money in micro-USD (exact) and USD. */
export interface BudgetEntry {
  name: string;
  per: 'agent' | 'team' | 'key' | 'global';
  subject: string;
  window: 'hourly' | 'daily' | 'monthly' | 'rolling';
  timezone?: string;
  rolling_ms?: number;
  limit_micro_usd?: number;
  limit_usd?: string;
  limit_tokens?: number;
  spent_micro_usd: number;
  spent_usd: string;
  spent_tokens: number;
  reserved_micro_usd: number;
  reserved_tokens: number;
  remaining_micro_usd?: number;
  remaining_usd?: string;
  remaining_tokens?: number;
  window_start: string;
  /** Calendar windows: when spend resets; rolling windows: null (spend ages out). */
  resets_at: string | null;
  /** With `budgets.replicas` > 1: what this gateway may still add before its next store sync. */
  replica_share?: { replicas: number; remaining_micro_usd?: number; remaining_tokens?: number; renews_at: string };
}

export interface BudgetListing {
  object: 'list';
  /** True when the caller is an admin and sees every subject the gateway knows of. */
  all: boolean;
  data: BudgetEntry[];
}

function entry(ledger: BudgetLedger, per: BudgetEntry['per'], ref: BudgetRef): BudgetEntry {
  const s = ledger.status(ref);
  const w = ref.window;
  const e: BudgetEntry = {
    name: ref.name,
    per,
    subject: ref.subject,
    window: w.kind === 'calendar' ? w.unit : 'rolling',
    ...(w.kind === 'calendar' ? { timezone: w.timeZone } : { rolling_ms: w.durationMs }),
    spent_micro_usd: s.spent.costMicroUsd,
    spent_usd: formatUsd(s.spent.costMicroUsd),
    spent_tokens: s.spent.tokens,
    reserved_micro_usd: s.reserved.costMicroUsd,
    reserved_tokens: s.reserved.tokens,
    window_start: new Date(s.window.startMs).toISOString(),
    resets_at: s.resetAtMs === undefined ? null : new Date(s.resetAtMs).toISOString(),
  };
  if (ref.limitMicroUsd !== undefined) {
    const left = ref.limitMicroUsd - s.spent.costMicroUsd - s.reserved.costMicroUsd;
    Object.assign(e, { limit_micro_usd: ref.limitMicroUsd, limit_usd: formatUsd(ref.limitMicroUsd), remaining_micro_usd: left, remaining_usd: formatUsd(left) });
  }
  if (ref.limitTokens !== undefined) Object.assign(e, { limit_tokens: ref.limitTokens, remaining_tokens: ref.limitTokens - s.spent.tokens - s.reserved.tokens });
  const share = ledger.shareStatus(ref);
  if (share) {
    e.replica_share = {
      replicas: share.replicas,
      ...(share.leftMicroUsd === undefined ? {} : { remaining_micro_usd: share.leftMicroUsd }),
      ...(share.leftTokens === undefined ? {} : { remaining_tokens: share.leftTokens }),
      renews_at: new Date(share.renewsAtMs).toISOString(),
    };
  }
  return e;
}

/**
 * `GET /v1/budgets`: the caller's own budgets with spend, holds, what is left and when each
 * resets. An admin identity gets every subject the ledger holds (seen or loaded from the store).
 */
export function budgetsHandler(ledger: BudgetLedger): (identity: Identity | undefined, config: Config) => BudgetListing {
  return function listBudgets(identity, config) {
    if (!identity) throw new GatewayError('GW_AUTH_MISSING', 'authenticate to see your budgets');
    const section = config.budgets;
    const seen = new Set<string>();
    const data: BudgetEntry[] = [];
    const add = (per: BudgetEntry['per'], ref: BudgetRef) => {
      const k = `${ref.name}\u0000${ref.subject}`;
      if (seen.has(k)) return;
      seen.add(k);
      data.push(entry(ledger, per, ref));
    };
    for (const b of applicableBudgets(section, identity, undefined, 'list')) add(b.rule.per, b.ref);
    if (identity.admin === true) {
      const rules = new Map(section.rules.map((r) => [r.name, r]));
      for (const { name, subject } of ledger.entries()) {
        const rule = rules.get(name);
        if (rule) add(rule.per, refOf(rule, subject, section));
      }
    }
    data.sort((a, b) => (a.name === b.name ? a.subject.localeCompare(b.subject) : a.name.localeCompare(b.name)));
    return { object: 'list', all: identity.admin === true, data };
  };
}
