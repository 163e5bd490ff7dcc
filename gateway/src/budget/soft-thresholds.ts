import type { ApplicableBudget } from './applicable-budgets.js';
import type { BudgetStatus } from './ledger.js';

/** A soft threshold a caller has reached, and what it asks for. */
export interface SoftHit {
  budget: string;
  /** How far along the budget is (money or tokens, whichever is further), 0..1+. */
  fraction: number;
  atFraction: number;
  downgradeTo: string | undefined;
  warn: boolean;
}

/** Fraction of the limit in use, counting calls in flight. */
export function usedFraction(b: ApplicableBudget, s: BudgetStatus): number {
  let f = 0;
  if (b.ref.limitMicroUsd !== undefined) f = Math.max(f, (s.spent.costMicroUsd + s.reserved.costMicroUsd) / b.ref.limitMicroUsd);
  if (b.ref.limitTokens !== undefined) f = Math.max(f, (s.spent.tokens + s.reserved.tokens) / b.ref.limitTokens);
  return f;
}

/** For each budget, the highest soft threshold reached (if any). */
export function softThresholdHits(budgets: readonly ApplicableBudget[], status: (b: ApplicableBudget) => BudgetStatus): SoftHit[] {
  const hits: SoftHit[] = [];
  for (const b of budgets) {
    if (b.rule.softThresholds.length === 0) continue;
    const fraction = usedFraction(b, status(b));
    let best: (typeof b.rule.softThresholds)[number] | undefined;
    for (const t of b.rule.softThresholds) if (fraction >= t.atFraction && (!best || t.atFraction > best.atFraction)) best = t;
    if (best) hits.push({ budget: b.rule.name, fraction, atFraction: best.atFraction, downgradeTo: best.downgradeTo, warn: best.warn });
  }
  return hits;
}

/** The model to downgrade to: from the hit furthest along that names one. */
export function downgradeTarget(hits: readonly SoftHit[], currentModel: string): string | undefined {
  let pick: SoftHit | undefined;
  for (const h of hits) if (h.downgradeTo !== undefined && (!pick || h.fraction > pick.fraction)) pick = h;
  return pick && pick.downgradeTo !== currentModel ? pick.downgradeTo : undefined;
}

/** `x-sluice-budget-warning` value: `alice-daily=85%; team-monthly=92%`. */
export function warningHeader(hits: readonly SoftHit[]): string | undefined {
  const parts = hits.filter((h) => h.warn).map((h) => `${h.budget}=${Math.floor(h.fraction * 100)}%`);
  return parts.length === 0 ? undefined : parts.join('; ');
}
