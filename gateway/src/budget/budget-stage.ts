import { SLUICE } from '../../../collector/src/model/semconv.js';
import type { BudgetsSection } from '../config/sections/budgets.js';
import { GatewayError } from '../errors.js';
import type { Identity, RequestCtx } from '../pipeline/context.js';
import type { Outcome, StreamOutcome } from '../pipeline/outcome.js';
import { CallerMemo } from '../pipeline/caller-memo.js';
import type { Stage } from '../pipeline/stage.js';
import { applicableBudgets, type ApplicableBudget } from './applicable-budgets.js';
import { budgetExceededError } from './budget-errors.js';
import { estimateCall, heldInputTokens, reservePrice, servedPrice, type CallEstimate } from './call-estimate.js';
import { cacheFractionOf, chargeOf, jsonUsage, recordCharge, streamUsage } from './charge.js';
import { inputCountOf } from '../metering/input-count.js';
import type { BudgetLedger, BudgetRef, Reservation } from './ledger.js';
import type { Price } from './pricing.js';
import { downgradeTarget, softThresholdHits, warningHeader } from './soft-thresholds.js';
import { guardStream } from './stream-budget.js';

export const BUDGET_WARNING_HEADER = 'x-sluice-budget-warning';
export const SOFT_THRESHOLD_EVENT = 'sluice.budget.soft_threshold';

const modelOf = (ctx: RequestCtx): string => ctx.model;
const servedTarget = (ctx: RequestCtx): string | undefined => ctx.target?.id;

/** Soft thresholds: warn, record an event, and maybe switch the call to a cheaper model. */
function applySoftThresholds(ctx: RequestCtx, ledger: BudgetLedger, budgets: readonly ApplicableBudget[]): void {
  const hits = softThresholdHits(budgets, (b) => ledger.status(b.ref));
  if (hits.length === 0) return;
  const to = downgradeTarget(hits, modelOf(ctx));
  for (const h of hits) {
    const attributes: Record<string, string | number> = { [SLUICE.BUDGET_NAME]: h.budget, 'sluice.budget.fraction': h.fraction, 'sluice.budget.threshold': h.atFraction };
    if (to !== undefined && h.downgradeTo === to) attributes['sluice.budget.downgrade_to'] = to;
    ctx.events.push({ name: SOFT_THRESHOLD_EVENT, attributes, timeMs: ctx.now() });
  }
  const warning = warningHeader(hits);
  if (warning) ctx.responseHeaders[BUDGET_WARNING_HEADER] = warning;
  if (to !== undefined) {
    // The router serves `ctx.model`; the span keeps the name the client asked for
    // (gen_ai.request.model is recorded before the pipeline runs).
    (ctx as { model: string }).model = to;
    ctx.body.model = to;
  }
}

/** The budgets of one caller and model, with what every call of theirs needs from them. */
interface CallerBudgets {
  budgets: ApplicableBudget[];
  /** Their refs, in order: reservations keep this array (never changed after it is built). */
  refs: BudgetRef[];
  /** The first that limits spend in USD (a call then needs a price). */
  money: ApplicableBudget | undefined;
}

function callerBudgets(section: BudgetsSection, identity: Identity, model: string): CallerBudgets {
  const budgets = applicableBudgets(section, identity, model, 'llm');
  return { budgets, refs: budgets.map((b) => b.ref), money: budgets.find((b) => b.ref.limitMicroUsd !== undefined) };
}

const NO_BUDGETS: CallerBudgets = { budgets: [], refs: [], money: undefined };

/** The worst case of a call at `price`: its held input (byte bound or exact count) and its output cap. */
const worstCharge = (est: CallEstimate, exact: boolean, price: Price | undefined) =>
  chargeOf({ inputTokens: heldInputTokens(est, exact), outputTokens: est.outputTokens, cachedInputTokens: 0, estimated: true }, price, 1);

function unpricedError(model: string, budget: string): GatewayError {
  return new GatewayError('GW_PERMISSION_DENIED', `Model "${model}" has no price, and budget "${budget}" limits spend in USD; add it to budgets.pricing.models or set budgets.pricing.onUnknownModel.`);
}

/**
 * Budget enforcement: reserve the worst case against every budget that applies (refusing
 * with 429 `budget_exceeded` when it does not fit), call on, then settle to the actual
 * usage — for streams as tokens arrive, cutting a stream at the line when its hold cannot
 * grow. Every call with a known price gets `sluice.cost`, budgets or not.
 */
export function budgetStage(ledger: BudgetLedger): Stage {
  // Which budgets apply depends only on the config, the caller and the model: resolved once.
  const applicable = new CallerMemo(callerBudgets);
  return async function budget(ctx, next) {
    const section = ctx.config.budgets;
    let caller = ctx.identity ? applicable.get(section, ctx.identity, modelOf(ctx)) : NO_BUDGETS;
    if (caller.budgets.length > 0 && ctx.identity) {
      const before = modelOf(ctx);
      applySoftThresholds(ctx, ledger, caller.budgets);
      if (modelOf(ctx) !== before) caller = applicable.get(section, ctx.identity, modelOf(ctx));
    }
    const { budgets, refs, money } = caller;
    const model = modelOf(ctx);
    const price = reservePrice(ctx.config, model);
    if (budgets.length === 0) return attachCost(ctx, await next(), price);

    if (money && !price) throw unpricedError(model, money.ref.name);
    const est = estimateCall(inputCountOf(ctx), ctx.body, ctx.operation, model, section);
    // Hold the byte bound of the input first (no tokenizer); count exactly only if that does not fit.
    let worst = worstCharge(est, false, price);
    let r = ledger.reserve(refs, worst);
    if (!r.ok && est.input.exact() < est.input.upperBound) {
      worst = worstCharge(est, true, price);
      r = ledger.reserve(refs, worst);
    }
    if (!r.ok) {
      ctx.attrs[SLUICE.BUDGET_NAME] = r.refusals[0].ref.name;
      throw budgetExceededError(r.refusals, ledger.now());
    }
    ctx.attrs[SLUICE.BUDGET_RESERVED_MICRO_USD] = worst.costMicroUsd;
    let out: Outcome;
    try {
      out = await next();
    } catch (err) {
      // No answer came back: nothing was generated for us to pay for.
      ledger.release(r.reservation);
      throw err;
    }
    if (out.kind === 'json') {
      const usage = jsonUsage(out.usage, out.body, () => est.input.exact());
      const charged = chargeOf(usage, servedPrice(ctx.config, servedTarget(ctx), model) ?? price, cacheFractionOf(ctx));
      finish(ctx, ledger, budgets, r.reservation, charged);
      return out;
    }
    return guardedStream({ ctx, ledger, budgets, reservation: r.reservation, price, est }, out);
  };
}

interface Settle {
  ctx: RequestCtx;
  ledger: BudgetLedger;
  budgets: readonly ApplicableBudget[];
  reservation: Reservation;
  price: Price | undefined;
  est: CallEstimate;
}

/** Settles the reservation to what the call is charged, and puts the charge on its span. */
function finish(ctx: RequestCtx, ledger: BudgetLedger, budgets: readonly ApplicableBudget[], reservation: Reservation, charged: ReturnType<typeof chargeOf>): void {
  ledger.settle(reservation, charged);
  recordCharge(ctx, ledger, budgets, charged);
}

function guardedStream(s: Settle, out: StreamOutcome): StreamOutcome {
  const reservedOutputTokens = s.est.outputCapped ? s.est.outputTokens : 0;
  const g = guardStream(out.chunks, {
    ledger: s.ledger,
    reservation: s.reservation,
    price: s.price,
    exactInputTokens: () => heldInputTokens(s.est, true),
    reservedOutputTokens,
    cutError: (refusals) => {
      s.ctx.attrs[SLUICE.BUDGET_NAME] = refusals[0].ref.name;
      return budgetExceededError(refusals, s.ledger.now());
    },
  });
  const price = () => servedPrice(s.ctx.config, servedTarget(s.ctx), modelOf(s.ctx)) ?? s.price;
  const summary = out.summary.then(
    (sum) => {
      finish(s.ctx, s.ledger, s.budgets, s.reservation, chargeOf(streamUsage(sum, () => s.est.input.exact(), g.tally.outputTokens()), price(), cacheFractionOf(s.ctx)));
      return sum;
    },
    (err: unknown) => {
      finish(s.ctx, s.ledger, s.budgets, s.reservation, chargeOf(streamUsage(undefined, () => s.est.input.exact(), g.tally.outputTokens()), price(), cacheFractionOf(s.ctx)));
      throw err;
    },
  );
  return { ...out, chunks: g.chunks, summary };
}

/** No budget applies: still put the call's cost on its span. */
function attachCost(ctx: RequestCtx, out: Outcome, price: Price | undefined): Outcome {
  if (!price) return out;
  if (out.kind === 'json') {
    if (out.usage) ctx.attrs[SLUICE.COST_MICRO_USD] = chargeOf(out.usage, servedPrice(ctx.config, servedTarget(ctx), modelOf(ctx)) ?? price, cacheFractionOf(ctx)).costMicroUsd;
    return out;
  }
  const summary = out.summary.then((sum) => {
    if (sum.usage) ctx.attrs[SLUICE.COST_MICRO_USD] = chargeOf(sum.usage, servedPrice(ctx.config, servedTarget(ctx), modelOf(ctx)) ?? price, cacheFractionOf(ctx)).costMicroUsd;
    return sum;
  });
  return { ...out, summary };
}
