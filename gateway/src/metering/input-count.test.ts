import { describe, expect, it } from 'vitest';
import { estimateInputTokens } from './count-tokens.js';
import { inputCountOf } from './input-count.js';
import { testConfig, testCtx } from '../budget/test/stage-fixtures.js';

describe('inputCountOf', () => {
  const config = testConfig({});

  it('bounds the exact count from above and shares one count per body', () => {
    const ctx = testCtx({ config, body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Ciao, come stai? Ünïcödé costs more bytes than tokens.' }] } });
    const first = inputCountOf(ctx);
    expect(first.exact()).toBe(estimateInputTokens(ctx.body));
    expect(first.upperBound).toBeGreaterThanOrEqual(first.exact());
    expect(inputCountOf(ctx)).toBe(first);
  });

  it('counts again once a stage has replaced the body', () => {
    const ctx = testCtx({ config, body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'short' }] } });
    const before = inputCountOf(ctx).exact();
    ctx.body = { model: 'gpt-4o', messages: [{ role: 'system', content: 'You are a careful assistant who answers in full sentences.' }, { role: 'user', content: 'short' }] };
    const after = inputCountOf(ctx);
    expect(after.exact()).toBe(estimateInputTokens(ctx.body));
    expect(after.exact()).toBeGreaterThan(before);
  });
});
