import type { ModelPriceConfig, PricingConfig } from '../config/sections/budgets.js';
import { BUILTIN_PRICES_USD_PER_MTOK, type UsdPrice } from './builtin-prices.js';
import { tokenizerPrice } from './tokenizer-models.js';

/** A model's prices in integer micro-USD per 1M tokens (= USD per token, exactly). */
export interface Price {
  inputMicroUsdPerMTok: number;
  cachedInputMicroUsdPerMTok: number;
  /** Prompt tokens written to the provider's prompt cache (Anthropic charges a premium). */
  cacheWriteInputMicroUsdPerMTok: number;
  /** Prompt-cache writes kept for one hour (Anthropic: 2× input, against 1.25× for 5 minutes). */
  cacheWrite1hInputMicroUsdPerMTok: number;
  outputMicroUsdPerMTok: number;
  source: 'config' | 'builtin' | 'gpt-tokenizer' | 'default';
}

/**
 * Token counts a charge is computed from; `inputTokens` includes the cached ones and the
 * cache writes (OpenAI semantics: all prompt tokens).
 */
export interface TokenUsage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteInputTokens?: number;
  /** Of the cache writes, the 1-hour ones. */
  cacheWrite1hInputTokens?: number;
  outputTokens: number;
}

const MICRO = 1_000_000;

const toMicro = (usd: number): number => Math.round(usd * MICRO);

function fromUsd(p: UsdPrice, source: Price['source']): Price {
  return {
    inputMicroUsdPerMTok: toMicro(p.input),
    cachedInputMicroUsdPerMTok: toMicro(p.cachedInput ?? p.input),
    cacheWriteInputMicroUsdPerMTok: toMicro(p.cacheWriteInput ?? p.input),
    cacheWrite1hInputMicroUsdPerMTok: toMicro(p.cacheWrite1hInput ?? p.cacheWriteInput ?? p.input),
    outputMicroUsdPerMTok: toMicro(p.output),
    source,
  };
}

const fromConfig = (p: ModelPriceConfig, source: Price['source']): Price =>
  fromUsd(
    { input: p.inputUsdPerMTok, cachedInput: p.cachedInputUsdPerMTok, cacheWriteInput: p.cacheWriteInputUsdPerMTok, cacheWrite1hInput: p.cacheWrite1hInputUsdPerMTok, output: p.outputUsdPerMTok },
    source,
  );

/**
 * Cost of a call in integer micro-USD, rounded up: a call that used tokens never costs 0
 * at a non-zero price, and the sum of charges is the sum of these per-call values.
 */
export function costMicroUsd(price: Price, usage: TokenUsage): number {
  const cached = Math.max(0, Math.min(usage.cachedInputTokens, usage.inputTokens));
  const written = Math.max(0, Math.min(usage.cacheWriteInputTokens ?? 0, usage.inputTokens - cached));
  const writtenForHour = Math.max(0, Math.min(usage.cacheWrite1hInputTokens ?? 0, written));
  const uncached = Math.max(0, usage.inputTokens - cached - written);
  const scaled =
    uncached * price.inputMicroUsdPerMTok +
    cached * price.cachedInputMicroUsdPerMTok +
    (written - writtenForHour) * price.cacheWriteInputMicroUsdPerMTok +
    writtenForHour * price.cacheWrite1hInputMicroUsdPerMTok +
    Math.max(0, usage.outputTokens) * price.outputMicroUsdPerMTok;
  return Math.ceil(scaled / MICRO);
}

/** `openai/gpt-4o-2024-08-06` → [`openai/gpt-4o-2024-08-06`, `gpt-4o-2024-08-06`, `gpt-4o`]. */
export function modelNameCandidates(name: string): string[] {
  const out = [name];
  const bare = name.slice(name.lastIndexOf('/') + 1);
  if (bare !== name && bare !== '') out.push(bare);
  const undated = bare.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/, '');
  if (undated !== bare && undated !== '') out.push(undated);
  return out;
}

/** The compiled price table of one config snapshot. */
export interface PriceTable {
  /** First priced name among `names` (config, then built-in, then gpt-tokenizer); undefined if none. */
  lookup(names: readonly string[]): Price | undefined;
  /** The configured charge for unknown models, or undefined (`refuse`). */
  readonly fallback: Price | undefined;
}

const MAX_CACHED_LOOKUPS = 1_000;

/** Compiles `budgets.pricing`; call through `priceTableFor` to reuse it per config snapshot. */
export function compilePricing(cfg: PricingConfig): PriceTable {
  const configured = new Map(Object.entries(cfg.models).map(([k, v]) => [k, fromConfig(v, 'config')]));
  const fallback = cfg.onUnknownModel === 'refuse' ? undefined : fromConfig(cfg.onUnknownModel.chargeDefault, 'default');
  const cache = new Map<string, Price | null>();

  const one = (name: string): Price | undefined => {
    const candidates = modelNameCandidates(name);
    for (const c of candidates) {
      const hit = configured.get(c);
      if (hit) return hit;
    }
    if (!cfg.builtin) return undefined;
    for (const c of candidates) {
      const b = BUILTIN_PRICES_USD_PER_MTOK[c];
      if (b) return fromUsd(b, 'builtin');
    }
    for (const c of candidates) {
      const t = tokenizerPrice(c);
      if (t) return fromUsd(t, 'gpt-tokenizer');
    }
    return undefined;
  };

  return {
    fallback,
    lookup(names) {
      for (const n of names) {
        let hit = cache.get(n);
        if (hit === undefined) {
          // Pattern models let clients choose names; the memo is bounded, not an LRU.
          if (cache.size >= MAX_CACHED_LOOKUPS) cache.clear();
          hit = one(n) ?? null;
          cache.set(n, hit);
        }
        if (hit) return hit;
      }
      return undefined;
    },
  };
}

const compiled = new WeakMap<PricingConfig, PriceTable>();

/** The price table for a config snapshot, compiled once per snapshot. */
export function priceTableFor(cfg: PricingConfig): PriceTable {
  let t = compiled.get(cfg);
  if (!t) {
    t = compilePricing(cfg);
    compiled.set(cfg, t);
  }
  return t;
}

/** The dearer of two prices, component-wise (a worst case across failover targets). */
export function maxPrice(a: Price, b: Price): Price {
  return {
    inputMicroUsdPerMTok: Math.max(a.inputMicroUsdPerMTok, b.inputMicroUsdPerMTok),
    cachedInputMicroUsdPerMTok: Math.max(a.cachedInputMicroUsdPerMTok, b.cachedInputMicroUsdPerMTok),
    cacheWriteInputMicroUsdPerMTok: Math.max(a.cacheWriteInputMicroUsdPerMTok, b.cacheWriteInputMicroUsdPerMTok),
    cacheWrite1hInputMicroUsdPerMTok: Math.max(a.cacheWrite1hInputMicroUsdPerMTok, b.cacheWrite1hInputMicroUsdPerMTok),
    outputMicroUsdPerMTok: Math.max(a.outputMicroUsdPerMTok, b.outputMicroUsdPerMTok),
    source: a.source === b.source ? a.source : 'config',
  };
}
