import { describe, expect, it } from 'vitest';
import { budgetConfigIssues } from './config-check.js';
import { testConfig } from './test/stage-fixtures.js';

const models = { 'gpt-4o': { provider: 'openai' }, local: { provider: 'ollama', model: 'llama3' }, 'openai/*': { provider: 'openai' } };

describe('budgetConfigIssues', () => {
  it('with onUnknownModel: refuse, names every unpriced model a USD budget can apply to', () => {
    const cfg = testConfig({ models, budgets: { rules: [{ name: 'd', limitUsd: 1, window: 'daily' }] } });
    expect(budgetConfigIssues(cfg)).toEqual([{ path: ['models', 'local', 'targets', 0, 'model'], message: expect.stringContaining('no price for ollama/llama3') }]);
  });

  it('accepts a configured price, a default charge, token-only budgets and budgets that select priced models', () => {
    expect(budgetConfigIssues(testConfig({ models, budgets: { rules: [{ name: 'd', limitUsd: 1, window: 'daily' }], pricing: { models: { llama3: { inputUsdPerMTok: 0, outputUsdPerMTok: 0 } } } } }))).toEqual([]);
    expect(budgetConfigIssues(testConfig({ models, budgets: { rules: [{ name: 'd', limitUsd: 1, window: 'daily' }], pricing: { onUnknownModel: { chargeDefault: { inputUsdPerMTok: 5, outputUsdPerMTok: 15 } } } } }))).toEqual([]);
    expect(budgetConfigIssues(testConfig({ models, budgets: { rules: [{ name: 't', limitTokens: 10, window: 'daily' }] } }))).toEqual([]);
    expect(budgetConfigIssues(testConfig({ models, budgets: { rules: [{ name: 'd', limitUsd: 1, window: 'daily', match: { model: 'gpt-4o' } }] } }))).toEqual([]);
  });

  it('refuses a downgrade to an unknown model', () => {
    const cfg = testConfig({ models, budgets: { rules: [{ name: 't', limitTokens: 10, window: 'daily', softThresholds: [{ atFraction: 0.5, downgradeTo: 'gpt-5-tiny' }, { atFraction: 0.9, downgradeTo: 'openai/gpt-4o-mini' }] }] } });
    expect(budgetConfigIssues(cfg)).toEqual([{ path: ['budgets', 'rules', 0, 'softThresholds', 0, 'downgradeTo'], message: 'unknown model "gpt-5-tiny"' }]);
  });
});
