import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { resolveModel } from './resolve-model.js';
import { estimatedCostMicroUsd, targetPrice } from './target-price.js';

function config(): Config {
  const r = parseConfig({
    providers: [{ name: 'openai', kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1' }, { name: 'local', kind: 'openai', baseUrl: 'http://127.0.0.1:2/v1' }],
    models: {
      cheap: {
        strategy: 'least-cost',
        targets: [{ provider: 'openai', model: 'gpt-4o' }, { provider: 'openai', model: 'gpt-4o-mini' }, { provider: 'local', model: 'my-llama' }, { provider: 'local', model: 'free', price: { inputUsdPerMTok: 0, outputUsdPerMTok: 0 } }],
      },
    },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

describe('least-cost prices', () => {
  const cfg = config();
  const resolved = resolveModel(cfg, 'cheap')!;
  const price = (i: number) => targetPrice(cfg, cfg.models.cheap.targets[i], resolved.targets[i], 'cheap');

  it('reads the budgets price table (built-in prices) for known models', () => {
    const big = price(0)!;
    const mini = price(1)!;
    expect(big.inputMicroUsdPerMTok).toBeGreaterThan(mini.inputMicroUsdPerMTok);
    expect(estimatedCostMicroUsd(mini, 1_000, 256)).toBeLessThan(estimatedCostMicroUsd(big, 1_000, 256));
  });

  it('a target price hint wins; unpriced targets cost Infinity (tried last)', () => {
    expect(price(3)).toEqual({ inputMicroUsdPerMTok: 0, outputMicroUsdPerMTok: 0 });
    expect(price(2)).toBeUndefined();
    expect(estimatedCostMicroUsd(undefined, 10, 10)).toBe(Infinity);
  });
});
