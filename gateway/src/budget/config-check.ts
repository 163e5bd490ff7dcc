import type { Config } from '../config/schema.js';
import { priceNames } from './call-estimate.js';
import { priceTableFor } from './pricing.js';

/** A cross-section config problem, with the path to report it at. */
export interface BudgetConfigIssue {
  path: Array<string | number>;
  message: string;
}

const listOf = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : typeof v === 'string' ? [v] : v);

/**
 * Checks that need more than the `budgets` section (call from the root schema's
 * `superRefine`): with `onUnknownModel: refuse`, every configured model a USD budget can
 * apply to must have a price (pattern models `x/*` are checked per request instead); every
 * `downgradeTo` must name a configured model.
 */
export function budgetConfigIssues(cfg: Pick<Config, 'budgets' | 'models'>): BudgetConfigIssue[] {
  const issues: BudgetConfigIssue[] = [];
  const { budgets, models } = cfg;
  const table = priceTableFor(budgets.pricing);
  const money = budgets.rules.filter((r) => r.limitUsd !== undefined);
  if (budgets.pricing.onUnknownModel === 'refuse' && money.length > 0) {
    for (const [name, group] of Object.entries(models)) {
      if (name.endsWith('/*')) continue;
      const budget = money.find((r) => listOf(r.match.model)?.includes(name) ?? true);
      if (!budget) continue;
      group.targets.forEach((t, i) => {
        const upstream = t.model ?? name;
        if (table.lookup(priceNames(t.provider, upstream, name))) return;
        issues.push({
          path: ['models', name, 'targets', i, 'model'],
          message: `no price for ${t.provider}/${upstream}, and budget "${budget.name}" limits spend in USD: add budgets.pricing.models["${upstream}"] or set budgets.pricing.onUnknownModel.chargeDefault`,
        });
      });
    }
  }
  budgets.rules.forEach((r, i) =>
    r.softThresholds.forEach((t, j) => {
      if (t.downgradeTo === undefined || models[t.downgradeTo] !== undefined) return;
      const pattern = Object.keys(models).some((k) => k.endsWith('/*') && t.downgradeTo?.startsWith(k.slice(0, -1)));
      if (!pattern) issues.push({ path: ['budgets', 'rules', i, 'softThresholds', j, 'downgradeTo'], message: `unknown model "${t.downgradeTo}"` });
    }),
  );
  return issues;
}
