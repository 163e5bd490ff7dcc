import { SLUICE } from '../../../collector/src/model/semconv.js';
import { countTextTokens } from '../metering/count-tokens.js';
import { completionText } from '../metering/json-usage.js';
import type { RequestCtx, Usage } from '../pipeline/context.js';
import type { StreamSummary } from '../pipeline/outcome.js';
import type { ApplicableBudget } from './applicable-budgets.js';
import type { BudgetLedger } from './ledger.js';
import { costMicroUsd, type Price } from './pricing.js';
import type { Amount } from './spend-counter.js';

/** What a call is charged: its usage at its price, scaled for gateway cache hits. */
export function chargeOf(usage: Usage, price: Price | undefined, cacheFraction: number): Amount {
  const cost = price ? costMicroUsd(price, usage) : 0;
  const tokens = usage.inputTokens + usage.outputTokens;
  if (cacheFraction >= 1) return { costMicroUsd: cost, tokens };
  return { costMicroUsd: Math.ceil(cost * cacheFraction), tokens: Math.ceil(tokens * cacheFraction) };
}

/** 1 for a normal call; `cacheHitChargeFraction` when the gateway cache answered. */
export const cacheFractionOf = (ctx: RequestCtx): number => (ctx.attrs[SLUICE.CACHE_HIT] === true ? ctx.config.budgets.cacheHitChargeFraction : 1);

/** Usage of a JSON answer: the upstream's, else counted (input as estimated, output from the choices). */
export function jsonUsage(reported: Usage | undefined, body: Record<string, unknown>, countedInputTokens: () => number): Usage {
  if (reported) return reported;
  return { inputTokens: countedInputTokens(), outputTokens: countTextTokens(completionText(body)), cachedInputTokens: 0, estimated: true };
}

/**
 * Usage of a finished stream: what the upstream layer put in the summary (the upstream's
 * report, or its own count when the upstream sent none — the span carries the same numbers,
 * so charges and stored usage agree); our own count when the summary has none or shows no
 * output where we saw some. Never zero for a call that reached the upstream.
 */
export function streamUsage(summary: StreamSummary | undefined, countedInputTokens: () => number, countedOutputTokens: number): Usage {
  const u = summary?.usage;
  if (u && (!u.estimated || u.outputTokens > 0 || countedOutputTokens === 0)) return u;
  return {
    inputTokens: Math.max(u?.inputTokens ?? 0, countedInputTokens()),
    outputTokens: countedOutputTokens,
    cachedInputTokens: u?.cachedInputTokens ?? 0,
    estimated: true,
  };
}

/** Span attributes after a charge: cost, and what the tightest budget has left. */
export function recordCharge(ctx: RequestCtx, ledger: BudgetLedger, budgets: readonly ApplicableBudget[], charged: Amount): void {
  ctx.attrs[SLUICE.COST_MICRO_USD] = charged.costMicroUsd;
  let tightest: string | undefined;
  let tightestFraction = 0;
  let leftUsd: number | undefined;
  let leftTokens: number | undefined;
  for (const b of budgets) {
    const s = ledger.held(b.ref);
    let fraction = 0;
    if (b.ref.limitMicroUsd !== undefined) {
      const left = b.ref.limitMicroUsd - s.spent.costMicroUsd - s.reserved.costMicroUsd;
      leftUsd = Math.min(leftUsd ?? left, left);
      fraction = Math.max(fraction, 1 - left / b.ref.limitMicroUsd);
    }
    if (b.ref.limitTokens !== undefined) {
      const left = b.ref.limitTokens - s.spent.tokens - s.reserved.tokens;
      leftTokens = Math.min(leftTokens ?? left, left);
      fraction = Math.max(fraction, 1 - left / b.ref.limitTokens);
    }
    if (tightest === undefined || fraction > tightestFraction) {
      tightest = b.ref.name;
      tightestFraction = fraction;
    }
  }
  if (leftUsd !== undefined) ctx.attrs[SLUICE.BUDGET_REMAINING_MICRO_USD] = leftUsd;
  if (leftTokens !== undefined) ctx.attrs[SLUICE.BUDGET_REMAINING_TOKENS] = leftTokens;
  if (tightest !== undefined) ctx.attrs[SLUICE.BUDGET_NAME] = tightest;
}
