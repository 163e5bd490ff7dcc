import { describe, expect, it } from 'vitest';
import { SLUICE } from '../../../collector/src/model/semconv.js';
import { GatewayError } from '../errors.js';
import type { Identity } from '../pipeline/context.js';
import { RateLimiter } from '../ratelimit/rate-limiter.js';
import { checkToolRate } from '../ratelimit/tool-rate.js';
import { BudgetLedger } from './ledger.js';
import { testConfig } from './test/stage-fixtures.js';
import { chargeToolCall, reserveToolCall, toolCallPriceMicroUsd } from './tool-calls.js';

const alice: Identity = { method: 'virtual-key', agent: 'alice', team: 'research', keyId: 'k1' };
const config = testConfig({
  budgets: {
    rules: [
      { name: 'alice-daily', match: { agent: 'alice' }, limitUsd: 0.01, window: 'daily' },
      { name: 'llm-only', match: { agent: 'alice' }, limitUsd: 0.000001, window: 'daily', includeToolCalls: false },
      { name: 'tokens', match: { agent: 'alice' }, limitTokens: 1, window: 'daily' },
    ],
    pricing: { tools: { 'search/web': { usdPerCall: 0.004 }, 'files/*': { usdPerCall: 0.001 } } },
  },
  rateLimits: { rules: [{ name: 'search-calls', appliesTo: 'tools', per: ['agent', 'tool'], match: { server: 'search' }, requests: 2, period: 'minute' }] },
});

describe('MCP tool calls on the same ledger', () => {
  it('prices calls per tool or per server', () => {
    expect(toolCallPriceMicroUsd(config, 'search', 'web')).toBe(4000);
    expect(toolCallPriceMicroUsd(config, 'files', 'read')).toBe(1000);
    expect(toolCallPriceMicroUsd(config, 'other', 'x')).toBeUndefined();
  });

  it('charges money budgets that include tool calls, and refuses once the budget is spent', () => {
    const ledger = new BudgetLedger({ now: () => Date.UTC(2025, 0, 1, 12) });
    expect(chargeToolCall(ledger, config, alice, 'search', 'web')).toMatchObject({ [SLUICE.COST_MICRO_USD]: 4000, [SLUICE.BUDGET_NAME]: 'alice-daily', [SLUICE.BUDGET_REMAINING_MICRO_USD]: 6000 });
    chargeToolCall(ledger, config, alice, 'search', 'web');
    let err: unknown;
    try {
      chargeToolCall(ledger, config, alice, 'search', 'web');
    } catch (e) {
      err = e;
    }
    expect((err as GatewayError).code).toBe('GW_BUDGET_EXCEEDED');
    expect((err as GatewayError).message).toContain('alice-daily');
    // A free call always passes.
    expect(chargeToolCall(ledger, config, alice, 'other', 'x')).toEqual({ [SLUICE.COST_MICRO_USD]: 0 });
  });

  it('holds the price during the call and settles to the actual cost', () => {
    const ledger = new BudgetLedger({ now: () => Date.UTC(2025, 0, 1, 12) });
    const hold = reserveToolCall(ledger, config, alice, 'search', 'web');
    expect(ledger.openReservations).toBe(1);
    hold.settle(1500);
    expect(hold.attrs[SLUICE.COST_MICRO_USD]).toBe(1500);
    expect(ledger.openReservations).toBe(0);
    reserveToolCall(ledger, config, alice, 'search', 'web').release();
    expect(ledger.openReservations).toBe(0);
  });

  it('limits calls per tool with OpenAI-style headers; a refunded call gives its slot back', () => {
    const limiter = new RateLimiter({ now: () => 0 });
    expect(checkToolRate(limiter, config, alice, 'search', 'web').headers['x-ratelimit-remaining-requests']).toBe('1');
    const t = checkToolRate(limiter, config, alice, 'search', 'web');
    t.refund();
    checkToolRate(limiter, config, alice, 'search', 'web');
    expect(() => checkToolRate(limiter, config, alice, 'search', 'web')).toThrow(GatewayError);
    // Other tools and servers are not counted by this rule.
    expect(checkToolRate(limiter, config, alice, 'search', 'news').headers['x-ratelimit-remaining-requests']).toBe('1');
    expect(checkToolRate(limiter, config, alice, 'files', 'read').headers).toEqual({});
  });
});
