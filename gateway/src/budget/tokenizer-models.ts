import * as gptModels from 'gpt-tokenizer/models';
import type { UsdPrice } from './builtin-prices.js';

/** The part of gpt-tokenizer's model metadata the budget uses. */
interface ModelMeta {
  price_data?: { main?: { input?: number; output?: number; cached_input?: number; cached_output?: number } };
  max_output_tokens?: number;
  reasoning_tokens?: boolean;
}

const META = gptModels as unknown as Readonly<Record<string, ModelMeta | undefined>>;

// Prices below a cent per 1M tokens are scraper unit slips (gpt-oss is listed per token).
const MIN_PLAUSIBLE_USD_PER_MTOK = 0.01;

/**
 * gpt-tokenizer's scraped list price for an OpenAI model, when it has a plausible one.
 * Its scraper files the cached-input price under `cached_output` for o-series models (o1:
 * input 15, "cached_output" 7.5 — which is OpenAI's cached-input price), so either is read
 * as the cached-input price.
 */
export function tokenizerPrice(model: string): UsdPrice | undefined {
  const main = META[model]?.price_data?.main;
  if (main?.input === undefined || main.output === undefined) return undefined;
  if (main.input < MIN_PLAUSIBLE_USD_PER_MTOK) return undefined;
  const cached = main.cached_input ?? main.cached_output;
  return { input: main.input, output: main.output, ...(cached === undefined ? {} : { cachedInput: cached }) };
}

/** The model's documented maximum output tokens, when gpt-tokenizer knows it. */
export function tokenizerMaxOutputTokens(model: string): number | undefined {
  return META[model]?.max_output_tokens;
}

/** True for OpenAI reasoning models, which take `max_completion_tokens` instead of `max_tokens`. */
export function isReasoningModel(model: string): boolean {
  return META[model]?.reasoning_tokens === true;
}
