import { priceTableFor } from '../budget/pricing.js';
import type { TargetConfig } from '../config/sections/models.js';
import type { Config } from '../config/schema.js';
import type { Target } from '../pipeline/context.js';

/** Input and output price of a target in micro-USD per 1M tokens, or undefined when unknown. */
export interface TargetPrice {
  inputMicroUsdPerMTok: number;
  outputMicroUsdPerMTok: number;
}

/**
 * A target's price for `least-cost`: its own `price` hint, else the budgets price table
 * (configured, then built-in prices) under the names the budget stage charges by.
 */
export function targetPrice(config: Config, cfg: TargetConfig, target: Target, clientModel: string): TargetPrice | undefined {
  if (cfg.price) return { inputMicroUsdPerMTok: Math.round(cfg.price.inputUsdPerMTok * 1e6), outputMicroUsdPerMTok: Math.round(cfg.price.outputUsdPerMTok * 1e6) };
  const p = priceTableFor(config.budgets.pricing).lookup([`${target.provider}/${target.upstreamModel}`, target.upstreamModel, clientModel]);
  return p ? { inputMicroUsdPerMTok: p.inputMicroUsdPerMTok, outputMicroUsdPerMTok: p.outputMicroUsdPerMTok } : undefined;
}

/** Estimated cost (micro-USD, fractional) of `inputTokens` in and `outputTokens` out at `price`. */
export function estimatedCostMicroUsd(price: TargetPrice | undefined, inputTokens: number, outputTokens: number): number {
  if (!price) return Infinity;
  return (inputTokens * price.inputMicroUsdPerMTok + outputTokens * price.outputMicroUsdPerMTok) / 1e6;
}
