import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/harness.js';
import type { BudgetRef } from '../ledger.js';
import { compilePricing, costMicroUsd, type Price } from '../pricing.js';
import { PricingSchema } from '../../config/sections/budgets.js';
import { type BudgetHarness, SIM_PRICING, startBudgetHarness, tempDir } from './budget-harness.js';

const dir = tempDir('sluice-budget-concurrency-');
let b: BudgetHarness;
// A worst case of ~1.35k micro-USD per call (≈15 input tokens at $10/M + 40 output at $30/M): ~10 fit.
const LIMIT_USD = 0.0135;
const ref: BudgetRef = { name: 'alice-daily', subject: 'agent:alice', limitMicroUsd: 13_500, window: { kind: 'calendar', unit: 'daily', timeZone: 'UTC' } };

beforeAll(async () => {
  b = await startBudgetHarness({ storeDir: dir.path, budgets: { rules: [{ name: 'alice-daily', per: 'agent', match: { agent: 'alice' }, limitUsd: LIMIT_USD, window: 'daily' }] } });
});
afterAll(async () => {
  await b?.close();
  dir.remove();
});

interface CallRow {
  calls: string | number;
  cost: string | number;
  input: string | number;
  output: string | number;
}

describe('budgets under concurrency (openai SDK, chDB store)', () => {
  it('100 concurrent streams against a budget that fits ~10: never past the limit, every refusal a 429 RateLimitError, charges = usage in llm_calls', async () => {
    const client = b.client('alice');
    const results = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        try {
          const stream = await client.chat.completions.create(
            { model: 'sim-fast', messages: [{ role: 'user', content: `Tell me about rivers, part ${i}.` }], max_tokens: 40, stream: true, stream_options: { include_usage: true } },
            { headers: { 'x-sim-fault': 'ttft-ms=150;token-ms=2' } },
          );
          let usage: OpenAI.CompletionUsage | undefined;
          for await (const c of stream) if (c.usage) usage = c.usage;
          return { ok: true as const, usage };
        } catch (err) {
          return { ok: false as const, err };
        }
      }),
    );
    const ok = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(ok.length).toBeGreaterThanOrEqual(5);
    expect(ok.length).toBeLessThanOrEqual(15);
    for (const r of refused) {
      const err = (r as { err: unknown }).err;
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect((err as InstanceType<typeof OpenAI.RateLimitError>).status).toBe(429);
      expect((err as InstanceType<typeof OpenAI.RateLimitError>).type).toBe('budget_exceeded');
      expect((err as InstanceType<typeof OpenAI.RateLimitError>).message).toContain('alice-daily');
    }

    const status = b.budgets.ledger.status(ref);
    expect(status.spent.costMicroUsd).toBeGreaterThan(0);
    expect(status.spent.costMicroUsd).toBeLessThanOrEqual(13_500);
    expect(b.budgets.ledger.openReservations).toBe(0);

    // Every call's span reaches llm_calls; the charges add up to what the rows record.
    const store = b.h.gw.store;
    if (!store) throw new Error('store expected');
    const sql = `SELECT count() AS calls, sum(cost_micro_usd) AS cost, sum(input_tokens) AS input, sum(output_tokens) AS output FROM otel.llm_calls WHERE agent = 'alice'`;
    const [row] = await eventually(
      async () => {
        await b.flushSpans();
        return store.query<CallRow>(sql);
      },
      (rows) => Number(rows[0]?.calls) === 100,
      15_000,
    );
    expect(Number(row.calls)).toBe(100);
    expect(Number(row.cost)).toBe(status.spent.costMicroUsd);
    // …and each charge is the call's actual usage at the model's price.
    const price = compilePricing(PricingSchema.parse(SIM_PRICING)).lookup(['sim-fast']) as Price;
    const perCall = await store.query<{ input_tokens: string | number; output_tokens: string | number; cost_micro_usd: string | number }>(
      `SELECT input_tokens, output_tokens, cost_micro_usd FROM otel.llm_calls WHERE agent = 'alice' AND cost_micro_usd > 0`,
    );
    expect(perCall).toHaveLength(ok.length);
    for (const c of perCall) {
      expect(Number(c.cost_micro_usd)).toBe(costMicroUsd(price, { inputTokens: Number(c.input_tokens), cachedInputTokens: 0, outputTokens: Number(c.output_tokens) }));
    }
    const reported = ok.reduce((n, r) => n + ((r as { usage?: OpenAI.CompletionUsage }).usage?.completion_tokens ?? 0), 0);
    expect(Number(row.output)).toBe(reported);
  });
});
