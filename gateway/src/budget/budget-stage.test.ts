import { describe, expect, it } from 'vitest';
import { SLUICE } from '../../../collector/src/model/semconv.js';
import { GatewayError } from '../errors.js';
import type { Identity } from '../pipeline/context.js';
import type { Outcome, StreamOutcome } from '../pipeline/outcome.js';
import { BUDGET_WARNING_HEADER, budgetStage } from './budget-stage.js';
import { BudgetLedger } from './ledger.js';
import { chunksOf, drain, jsonOutcome, streamOutcome, testConfig, testCtx, usage } from './test/stage-fixtures.js';

const T0 = Date.UTC(2025, 4, 10, 9, 0, 0);
const alice: Identity = { method: 'virtual-key', agent: 'alice', team: 'research', keyId: 'k1' };
const models = { 'gpt-4o': { provider: 'openai' }, 'gpt-4o-mini': { provider: 'openai' }, local: { provider: 'ollama', model: 'llama3' } };

function setup(budgets: unknown) {
  let t = T0;
  const now = () => t;
  const ledger = new BudgetLedger({ now });
  const config = testConfig({ budgets, models });
  const stage = budgetStage(ledger);
  const ctx = (body?: Record<string, unknown>, stream = false) => testCtx({ config, identity: alice, body, stream, now });
  return { ledger, stage, ctx, advance: (ms: number) => (t += ms), config };
}

const dailyUsd = (limitUsd: number, extra: Record<string, unknown> = {}) => ({ rules: [{ name: 'alice-daily', match: { agent: 'alice' }, limitUsd, window: 'daily', ...extra }] });
const ask = (max_tokens?: number) => ({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Say hello.' }], ...(max_tokens ? { max_tokens } : {}) });

async function refusal(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('budgetStage, JSON calls', () => {
  it('reserves the worst case, settles to the usage and puts the charge on the span', async () => {
    const s = setup(dailyUsd(1));
    const ctx = s.ctx(ask(100));
    let heldDuringCall = 0;
    await s.stage(ctx, async () => {
      heldDuringCall = s.ledger.openReservations;
      return jsonOutcome(usage(1000, 100));
    });
    expect(heldDuringCall).toBe(1);
    // gpt-4o: 1000 × 2.5 + 100 × 10 micro-USD
    expect(ctx.attrs[SLUICE.COST_MICRO_USD]).toBe(3500);
    expect(ctx.attrs[SLUICE.BUDGET_REMAINING_MICRO_USD]).toBe(1_000_000 - 3500);
    expect(ctx.attrs[SLUICE.BUDGET_NAME]).toBe('alice-daily');
    expect(ctx.attrs[SLUICE.BUDGET_RESERVED_MICRO_USD]).toBeGreaterThan(1000);
    expect(s.ledger.openReservations).toBe(0);
  });

  it('refuses with 429 budget_exceeded naming the budget and its reset', async () => {
    const s = setup(dailyUsd(0.01));
    await s.stage(s.ctx(ask(10)), async () => jsonOutcome(usage(3950, 10)));
    const ctx = s.ctx(ask(10));
    let called = false;
    const err = await refusal(
      s.stage(ctx, async () => {
        called = true;
        return jsonOutcome(usage(1, 1));
      }),
    );
    expect(called).toBe(false);
    expect(err.code).toBe('GW_BUDGET_EXCEEDED');
    expect(err.status).toBe(429);
    expect(err.type).toBe('budget_exceeded');
    expect(err.message).toContain('alice-daily');
    expect(err.message).toContain('2025-05-11T00:00:00.000Z');
    expect(err.retryAfterMs).toBe(Date.UTC(2025, 4, 11) - T0);
    expect(ctx.attrs[SLUICE.BUDGET_NAME]).toBe('alice-daily');
  });

  it('lets N concurrent calls together spend no more than the budget', async () => {
    const s = setup(dailyUsd(0.05));
    const gates: Array<() => void> = [];
    const calls = Array.from({ length: 40 }, () =>
      s.stage(s.ctx(ask(200)), () => new Promise<Outcome>((resolve) => gates.push(() => resolve(jsonOutcome(usage(20, 200)))))).then(
        () => 'ok',
        (e: GatewayError) => e.code,
      ),
    );
    await Promise.resolve();
    gates.forEach((open) => open());
    const results = await Promise.all(calls);
    const ok = results.filter((r) => r === 'ok').length;
    expect(results.filter((r) => r !== 'ok').every((r) => r === 'GW_BUDGET_EXCEEDED')).toBe(true);
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(40);
    const status = s.ledger.status({ name: 'alice-daily', subject: 'agent:alice', limitMicroUsd: 50_000, window: { kind: 'calendar', unit: 'daily', timeZone: 'UTC' } });
    expect(status.spent.costMicroUsd).toBeLessThanOrEqual(50_000);
    expect(status.spent.costMicroUsd).toBe(ok * (20 * 2.5 + 200 * 10));
  });

  it('releases the hold when the call fails before an answer', async () => {
    const s = setup(dailyUsd(1));
    await expect(s.stage(s.ctx(ask(10)), async () => Promise.reject(new GatewayError('GW_UPSTREAM_ERROR', 'boom')))).rejects.toThrow('boom');
    expect(s.ledger.openReservations).toBe(0);
  });

  it('writes the default output cap into a request without one, so the worst case holds', async () => {
    const s = setup({ ...dailyUsd(1), defaultOutputCapTokens: 321 });
    const ctx = s.ctx(ask());
    await s.stage(ctx, async () => jsonOutcome(usage(10, 10)));
    expect(ctx.body.max_tokens).toBe(321);
  });

  it('charges counted tokens when the upstream reports no usage', async () => {
    const s = setup(dailyUsd(1));
    const ctx = s.ctx(ask(50));
    await s.stage(ctx, async () => jsonOutcome(undefined, 'Hello there, how are you today?'));
    expect(ctx.attrs[SLUICE.COST_MICRO_USD]).toBeGreaterThan(0);
  });

  it('charges nothing for a gateway cache hit (or the configured fraction)', async () => {
    for (const [fraction, expected] of [[0, 0], [0.5, 1750]] as const) {
      const s = setup({ ...dailyUsd(1), cacheHitChargeFraction: fraction });
      const ctx = s.ctx(ask(100));
      await s.stage(ctx, async () => {
        ctx.attrs[SLUICE.CACHE_HIT] = true;
        return jsonOutcome(usage(1000, 100));
      });
      expect(ctx.attrs[SLUICE.COST_MICRO_USD]).toBe(expected);
    }
  });

  it('refuses a model without a price when a USD budget applies', async () => {
    const s = setup(dailyUsd(1));
    const err = await refusal(s.stage(s.ctx({ model: 'local', messages: [] }), async () => jsonOutcome(usage(1, 1))));
    expect(err.code).toBe('GW_PERMISSION_DENIED');
    expect(err.message).toContain('local');
  });

  it('puts the cost on the span even when no budget applies', async () => {
    const s = setup({ rules: [] });
    const ctx = s.ctx(ask(10));
    await s.stage(ctx, async () => jsonOutcome(usage(1000, 100)));
    expect(ctx.attrs[SLUICE.COST_MICRO_USD]).toBe(3500);
  });
});

describe('budgetStage, soft thresholds', () => {
  it('past the threshold switches to the cheaper model, warns and records an event', async () => {
    const s = setup(dailyUsd(0.01, { softThresholds: [{ atFraction: 0.5, downgradeTo: 'gpt-4o-mini' }] }));
    const first = s.ctx(ask(10));
    await s.stage(first, async () => jsonOutcome(usage(2400, 0)));
    expect(first.body.model).toBe('gpt-4o');
    const ctx = s.ctx(ask(10));
    let modelSeen: unknown;
    await s.stage(ctx, async () => {
      modelSeen = ctx.body.model;
      return jsonOutcome(usage(100, 10));
    });
    expect(modelSeen).toBe('gpt-4o-mini');
    expect(ctx.responseHeaders[BUDGET_WARNING_HEADER]).toBe('alice-daily=60%');
    expect(ctx.events.map((e) => e.name)).toEqual(['sluice.budget.soft_threshold']);
    expect(ctx.events[0].attributes['sluice.budget.downgrade_to']).toBe('gpt-4o-mini');
    // Charged at the cheaper model's price: 100 × 0.15 + 10 × 0.6 micro-USD, rounded up.
    expect(ctx.attrs[SLUICE.COST_MICRO_USD]).toBe(21);
  });
});

describe('budgetStage, streams', () => {
  const text = 'one two three four five six seven eight nine ten eleven twelve';

  async function run(s: ReturnType<typeof setup>, body: Record<string, unknown>, reported?: { prompt_tokens: number; completion_tokens: number }, stopAfter?: number) {
    const ctx = s.ctx(body, true);
    let gone = false;
    const out = (await s.stage(ctx, async () => streamOutcome(chunksOf(text, reported), ctx, () => gone))) as StreamOutcome;
    const result = await drain(out, stopAfter, () => (gone = true));
    const summary = await out.summary;
    return { ctx, ...result, summary };
  }

  it('charges the usage the upstream reported', async () => {
    const s = setup(dailyUsd(1));
    const r = await run(s, ask(100), { prompt_tokens: 12, completion_tokens: 12 });
    expect(r.error).toBeUndefined();
    expect(r.ctx.attrs[SLUICE.COST_MICRO_USD]).toBe(Math.ceil(12 * 2.5 + 12 * 10));
    expect(s.ledger.openReservations).toBe(0);
  });

  it('charges counted tokens, never zero, when the upstream sent no usage', async () => {
    const s = setup(dailyUsd(1));
    const r = await run(s, ask(100));
    expect(r.summary.usage?.estimated).toBe(true);
    expect(r.ctx.attrs[SLUICE.COST_MICRO_USD]).toBeGreaterThan(12 * 10);
  });

  it('charges what was generated when the client goes away mid-stream', async () => {
    const s = setup(dailyUsd(1));
    const r = await run(s, ask(100), undefined, 3);
    expect(r.delivered).toHaveLength(3);
    expect(r.summary.clientAborted).toBe(true);
    const charged = r.ctx.attrs[SLUICE.COST_MICRO_USD] as number;
    expect(charged).toBeGreaterThan(0);
    expect(charged).toBeLessThan(Math.ceil((r.summary.usage?.inputTokens ?? 0) * 2.5 + 12 * 10));
    expect(s.ledger.openReservations).toBe(0);
  });

  it('without an output reservation, ends the stream at the budget line and charges what was generated', async () => {
    const s = setup({ rules: [{ name: 'tiny', match: { agent: 'alice' }, limitTokens: 20, window: 'daily' }], reserveOutput: false });
    const r = await run(s, ask());
    expect(r.error).toBeInstanceOf(GatewayError);
    expect((r.error as GatewayError).code).toBe('GW_BUDGET_EXCEEDED');
    expect(r.delivered.length).toBeGreaterThan(0);
    expect(r.delivered.length).toBeLessThan(12);
    expect(r.ctx.attrs[SLUICE.BUDGET_NAME]).toBe('tiny');
    const spent = s.ledger.status({ name: 'tiny', subject: 'agent:alice', limitTokens: 20, window: { kind: 'calendar', unit: 'daily', timeZone: 'UTC' } }).spent.tokens;
    // Delivered tokens fit; the withheld chunk (one word) is charged too: the provider generated it.
    expect(spent).toBeGreaterThan(20 - 3);
    expect(spent).toBeLessThanOrEqual(20 + 2);
    expect(s.ledger.openReservations).toBe(0);
  });
});
