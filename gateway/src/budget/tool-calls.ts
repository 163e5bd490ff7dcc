import { SLUICE } from '../../../collector/src/model/semconv.js';
import type { Config } from '../config/schema.js';
import type { AttrValue, Identity } from '../pipeline/context.js';
import { applicableBudgets } from './applicable-budgets.js';
import { budgetExceededError } from './budget-errors.js';
import type { BudgetLedger } from './ledger.js';

/** The configured price of one tool call in micro-USD (`server/tool`, else `server/*`), or undefined. */
export function toolCallPriceMicroUsd(config: Config, server: string, tool: string): number | undefined {
  const tools = config.budgets.pricing.tools;
  const p = tools[`${server}/${tool}`] ?? tools[`${server}/*`];
  return p === undefined ? undefined : Math.round(p.usdPerCall * 1_000_000);
}

/** A tool call's hold on the budgets; settle after the call (or release if it never ran). */
export interface ToolCallHold {
  /** Span attributes for the tool call's span (`sluice.budget.*`). */
  readonly attrs: Record<string, AttrValue>;
  /** Charges `costMicroUsd` (default: what was held) and fills `attrs` with the charge. */
  settle(costMicroUsd?: number): void;
  release(): void;
}

/**
 * Reserves a tool call's price against every budget that applies to the caller (money
 * budgets with `includeToolCalls`). Throws GW_BUDGET_EXCEEDED when it does not fit.
 * `costMicroUsd` defaults to the configured per-call price (0 when none).
 */
export function reserveToolCall(ledger: BudgetLedger, config: Config, identity: Identity, server: string, tool: string, costMicroUsd?: number): ToolCallHold {
  const cost = costMicroUsd ?? toolCallPriceMicroUsd(config, server, tool) ?? 0;
  const attrs: Record<string, AttrValue> = {};
  const budgets = cost > 0 ? applicableBudgets(config.budgets, identity, undefined, 'tool') : [];
  const r = ledger.reserve(budgets.map((b) => b.ref), { costMicroUsd: cost, tokens: 0 });
  if (!r.ok) {
    attrs[SLUICE.BUDGET_NAME] = r.refusals[0].ref.name;
    throw budgetExceededError(r.refusals, ledger.now());
  }
  if (cost > 0) attrs[SLUICE.BUDGET_RESERVED_MICRO_USD] = cost;
  return {
    attrs,
    settle(actual = cost) {
      ledger.settle(r.reservation, { costMicroUsd: actual, tokens: 0 });
      attrs[SLUICE.COST_MICRO_USD] = actual;
      let left: number | undefined;
      for (const b of budgets) {
        if (b.ref.limitMicroUsd === undefined) continue;
        const s = ledger.status(b.ref);
        const l = b.ref.limitMicroUsd - s.spent.costMicroUsd - s.reserved.costMicroUsd;
        if (left === undefined || l < left) {
          left = l;
          attrs[SLUICE.BUDGET_NAME] = b.ref.name;
        }
      }
      if (left !== undefined) attrs[SLUICE.BUDGET_REMAINING_MICRO_USD] = left;
    },
    release: () => ledger.release(r.reservation),
  };
}

/** Reserves and charges a tool call at once; returns the span attributes of the charge. */
export function chargeToolCall(ledger: BudgetLedger, config: Config, identity: Identity, server: string, tool: string, costMicroUsd?: number): Record<string, AttrValue> {
  const hold = reserveToolCall(ledger, config, identity, server, tool, costMicroUsd);
  hold.settle();
  return hold.attrs;
}
