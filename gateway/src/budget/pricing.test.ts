import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PricingSchema } from '../config/sections/budgets.js';
import { compilePricing, costMicroUsd, modelNameCandidates, type Price } from './pricing.js';

const table = (cfg: unknown = {}) => compilePricing(PricingSchema.parse(cfg));

describe('pricing', () => {
  it('has curated prices for common OpenAI and Anthropic models', () => {
    expect(table().lookup(['gpt-4o'])).toMatchObject({ inputMicroUsdPerMTok: 2_500_000, cachedInputMicroUsdPerMTok: 1_250_000, outputMicroUsdPerMTok: 10_000_000, source: 'builtin' });
    expect(table().lookup(['claude-sonnet-4-5-20250929'])).toMatchObject({ inputMicroUsdPerMTok: 3_000_000, outputMicroUsdPerMTok: 15_000_000 });
    expect(table().lookup(['openai/gpt-4o-mini-2024-07-18'])?.inputMicroUsdPerMTok).toBe(150_000);
  });

  it("falls back to gpt-tokenizer's metadata for models not curated", () => {
    expect(table().lookup(['gpt-4-32k'])).toMatchObject({ inputMicroUsdPerMTok: 60_000_000, outputMicroUsdPerMTok: 120_000_000, source: 'gpt-tokenizer' });
    // Scraped per-token prices (gpt-oss) are not mistaken for per-1M prices.
    expect(table().lookup(['gpt-oss-120b'])).toBeUndefined();
  });

  it('lets config override any entry, by provider/model, upstream or client name', () => {
    const t = table({ models: { 'gpt-4o': { inputUsdPerMTok: 1, outputUsdPerMTok: 2 }, 'azure/gpt-4o': { inputUsdPerMTok: 3, outputUsdPerMTok: 4 } } });
    expect(t.lookup(['gpt-4o'])).toMatchObject({ inputMicroUsdPerMTok: 1_000_000, cachedInputMicroUsdPerMTok: 1_000_000, source: 'config' });
    expect(t.lookup(['azure/gpt-4o'])?.inputMicroUsdPerMTok).toBe(3_000_000);
    expect(t.lookup(['nope', 'gpt-4o'])?.inputMicroUsdPerMTok).toBe(1_000_000);
  });

  it('knows nothing of unknown models unless a default charge is configured', () => {
    expect(table().lookup(['my-local-llama'])).toBeUndefined();
    expect(table().fallback).toBeUndefined();
    expect(table({ onUnknownModel: { chargeDefault: { inputUsdPerMTok: 5, outputUsdPerMTok: 5 } } }).fallback?.outputMicroUsdPerMTok).toBe(5_000_000);
    expect(table({ builtin: false }).lookup(['gpt-4o'])).toBeUndefined();
  });

  it('computes integer micro-USD, cached input at its own price, rounded up', () => {
    const gpt4o = table().lookup(['gpt-4o']) as Price;
    // 1000 uncached × 2.5 + 1000 cached × 1.25 + 500 × 10 micro-USD
    expect(costMicroUsd(gpt4o, { inputTokens: 2000, cachedInputTokens: 1000, outputTokens: 500 })).toBe(8750);
    const mini = table().lookup(['gpt-4o-mini']) as Price;
    expect(costMicroUsd(mini, { inputTokens: 1, cachedInputTokens: 0, outputTokens: 0 })).toBe(1);
    expect(costMicroUsd(mini, { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 })).toBe(0);
  });

  it('prices Anthropic prompt-cache writes at their premium, reads at their discount, the rest at the input price', () => {
    const sonnet = table().lookup(['claude-sonnet-4-5-20250929'])!;
    expect(sonnet.cacheWriteInputMicroUsdPerMTok).toBe(3_750_000);
    // 1M prompt tokens: 300k read from cache, 200k written to it, 500k plain; 100k out.
    const usage = { inputTokens: 1_000_000, cachedInputTokens: 300_000, cacheWriteInputTokens: 200_000, outputTokens: 100_000 };
    expect(costMicroUsd(sonnet, usage)).toBe(500_000 * 3 + 300_000 * 0.3 + 200_000 * 3.75 + 100_000 * 15);
    // Writes are priced like plain input where no write price is known (OpenAI reports none).
    const gpt = table().lookup(['gpt-4o'])!;
    expect(costMicroUsd(gpt, { ...usage, cachedInputTokens: 0 })).toBe(costMicroUsd(gpt, { ...usage, cachedInputTokens: 0, cacheWriteInputTokens: 0 }));
  });

  it('prices 1-hour cache writes at 2× input, 5-minute ones at 1.25×, and lets config set either', () => {
    const sonnet = table().lookup(['claude-sonnet-4-5'])!;
    expect(sonnet.cacheWrite1hInputMicroUsdPerMTok).toBe(6_000_000);
    // 200k writes, 150k of them for an hour (more than the writes is capped to them).
    const usage = { inputTokens: 1_000_000, cachedInputTokens: 300_000, cacheWriteInputTokens: 200_000, cacheWrite1hInputTokens: 150_000, outputTokens: 100_000 };
    expect(costMicroUsd(sonnet, usage)).toBe(500_000 * 3 + 300_000 * 0.3 + 50_000 * 3.75 + 150_000 * 6 + 100_000 * 15);
    expect(costMicroUsd(sonnet, { ...usage, cacheWrite1hInputTokens: 900_000 })).toBe(costMicroUsd(sonnet, { ...usage, cacheWrite1hInputTokens: 200_000 }));
    const t = table({ models: { a: { inputUsdPerMTok: 1, cacheWriteInputUsdPerMTok: 1.5, outputUsdPerMTok: 2 }, b: { inputUsdPerMTok: 1, cacheWriteInputUsdPerMTok: 1.5, cacheWrite1hInputUsdPerMTok: 3, outputUsdPerMTok: 2 } } });
    // Unset, a 1-hour write costs what any cache write costs.
    expect(t.lookup(['a'])?.cacheWrite1hInputMicroUsdPerMTok).toBe(1_500_000);
    expect(t.lookup(['b'])?.cacheWrite1hInputMicroUsdPerMTok).toBe(3_000_000);
  });

  it('property: cost is a non-negative integer, monotone in every token count', () => {
    const priceArb = fc.record({
      inputMicroUsdPerMTok: fc.integer({ min: 0, max: 600_000_000 }),
      cachedInputMicroUsdPerMTok: fc.integer({ min: 0, max: 600_000_000 }),
      cacheWriteInputMicroUsdPerMTok: fc.integer({ min: 0, max: 600_000_000 }),
      cacheWrite1hInputMicroUsdPerMTok: fc.integer({ min: 0, max: 600_000_000 }),
      outputMicroUsdPerMTok: fc.integer({ min: 0, max: 600_000_000 }),
      source: fc.constant('config' as const),
    });
    const n = fc.integer({ min: 0, max: 2_000_000 });
    fc.assert(
      fc.property(priceArb, n, n, n, n, n, (p, input, cachedRaw, writtenRaw, output, more) => {
        const cached = Math.min(cachedRaw, input);
        const written = Math.min(writtenRaw, input - cached);
        const c = costMicroUsd(p, { inputTokens: input, cachedInputTokens: cached, cacheWriteInputTokens: written, outputTokens: output });
        const c2 = costMicroUsd(p, { inputTokens: input, cachedInputTokens: cached, cacheWriteInputTokens: written, outputTokens: output + more });
        const c3 = costMicroUsd(p, { inputTokens: input + more, cachedInputTokens: cached, cacheWriteInputTokens: written, outputTokens: output });
        return Number.isInteger(c) && c >= 0 && c2 >= c && c3 >= c;
      }),
    );
  });

  it('derives candidate names', () => {
    expect(modelNameCandidates('anthropic/claude-3-5-haiku-20241022')).toEqual(['anthropic/claude-3-5-haiku-20241022', 'claude-3-5-haiku-20241022', 'claude-3-5-haiku']);
    expect(modelNameCandidates('gpt-4o')).toEqual(['gpt-4o']);
  });
});
