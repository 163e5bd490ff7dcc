import { BUILTIN_PRICES_USD_PER_MTOK, modelNameCandidates } from '../../../gateway/src/budget/index.js';
import type { CostReport, GatewayView } from '../report/report-types.js';

/**
 * The run's cost: what the gateway recorded per call when it recorded any (budgets price
 * every call), else token counts × a price table (the scenario's `pricing`, then the
 * gateway's built-in list prices) — and the report says which.
 */

export interface ModelUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
}

type PriceUsd = { inputUsdPerMTok: number; outputUsdPerMTok: number };

function priceOf(model: string, pricing: Readonly<Record<string, PriceUsd>>): PriceUsd | undefined {
  for (const name of modelNameCandidates(model)) {
    if (pricing[name]) return pricing[name];
    const b = BUILTIN_PRICES_USD_PER_MTOK[name];
    if (b) return { inputUsdPerMTok: b.input, outputUsdPerMTok: b.output };
  }
  return undefined;
}

const round = (usd: number) => Math.round(usd * 1e9) / 1e9;

export function costReport(
  byModel: ReadonlyMap<string, ModelUsage>,
  pricing: Readonly<Record<string, PriceUsd>>,
  runs: number,
  view: GatewayView | undefined,
): CostReport {
  const perRun = (usd: number) => (runs > 0 ? round(usd / runs) : 0);
  if (view && view.costMicroUsd > 0) {
    const total = view.costMicroUsd / 1e6;
    return { totalUsd: round(total), perRunUsd: perRun(total), source: 'gateway', unpricedModels: [] };
  }
  let total = 0;
  let priced = 0;
  const unpriced: string[] = [];
  for (const [model, u] of byModel) {
    const p = priceOf(model, pricing);
    if (!p) {
      if (u.inputTokens + u.outputTokens > 0) unpriced.push(model);
      continue;
    }
    priced++;
    total += (u.inputTokens * p.inputUsdPerMTok + u.outputTokens * p.outputUsdPerMTok) / 1e6;
  }
  return { totalUsd: round(total), perRunUsd: perRun(total), source: priced > 0 ? 'estimate' : 'unknown', unpricedModels: unpriced.sort() };
}
