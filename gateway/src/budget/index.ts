/**
 * Budgets: pricing, the reserve-then-settle ledger, the budget stage, persistence in the
 * shared store, `GET /v1/budgets`, tool-call charges — and the factory that wires them with
 * the rate limits (see README.md).
 */
export { createBudgets } from './create-budgets.js';
export type { Budgets, BudgetsDeps, BudgetLogger } from './create-budgets.js';
export { BudgetLedger, layoutFor } from './ledger.js';
export type { BudgetRef, BudgetStatus, Refusal, Reservation, ReserveResult, ShareStatus } from './ledger.js';
export { SpendCounter, ZERO_AMOUNT } from './spend-counter.js';
export type { Amount, BucketLayout } from './spend-counter.js';
export { calendarWindow, windowAt, windowSpecOf } from './windows.js';
export type { WindowBounds, WindowSpec } from './windows.js';
export { compilePricing, costMicroUsd, modelNameCandidates, priceTableFor } from './pricing.js';
export type { Price, PriceTable, TokenUsage } from './pricing.js';
export { BUILTIN_PRICES_USD_PER_MTOK } from './builtin-prices.js';
export { estimateCall, reservePrice, servedPrice } from './call-estimate.js';
export { inputCountOf } from '../metering/input-count.js';
export type { InputCount } from '../metering/input-count.js';
export type { CallEstimate } from './call-estimate.js';
export { applicableBudgets } from './applicable-budgets.js';
export type { ApplicableBudget } from './applicable-budgets.js';
export { BUDGET_WARNING_HEADER, SOFT_THRESHOLD_EVENT, budgetStage } from './budget-stage.js';
export { budgetExceededError, formatUsd } from './budget-errors.js';
export { budgetsHandler } from './budgets-handler.js';
export type { BudgetEntry, BudgetListing } from './budgets-handler.js';
export { budgetConfigIssues } from './config-check.js';
export type { BudgetConfigIssue } from './config-check.js';
export { StoreSync } from './store-sync.js';
export { buildUsageQuery, storeUsageSource } from './usage-source.js';
export type { UsageQuery, UsageRow, UsageSource } from './usage-source.js';
export { chargeToolCall, reserveToolCall, toolCallPriceMicroUsd } from './tool-calls.js';
export type { ToolCallHold } from './tool-calls.js';
export { benchOvershoot } from './overshoot-bench.js';
export type { OvershootOptions, OvershootReport } from './overshoot-bench.js';
