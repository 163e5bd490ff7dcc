import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/harness.js';
import type { BudgetListing } from '../budgets-handler.js';
import type { BudgetRef } from '../ledger.js';
import { type BudgetHarness, startBudgetHarness, tempDir } from './budget-harness.js';

const dir = tempDir('sluice-budget-restart-');
const budgets = { rules: [{ name: 'alice-daily', per: 'agent', match: { agent: 'alice' }, limitUsd: 0.01, window: 'daily' }] };
const ref: BudgetRef = { name: 'alice-daily', subject: 'agent:alice', limitMicroUsd: 10_000, window: { kind: 'calendar', unit: 'daily', timeZone: 'UTC' } };
let open: BudgetHarness | undefined;
afterAll(async () => {
  await open?.close();
  dir.remove();
});

const ask = (client: OpenAI, max_tokens: number) => client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'Tell me about rivers.' }], max_tokens });

describe('budget spend survives a restart (chDB)', () => {
  it('spend before the restart still counts after it', async () => {
    open = await startBudgetHarness({ storeDir: dir.path, budgets });
    for (let i = 0; i < 4; i++) await ask(open.client('alice'), 40);
    const before = open.budgets.ledger.status(ref).spent;
    expect(before.costMicroUsd).toBeGreaterThan(3_000);
    const store = open.h.gw.store;
    if (!store) throw new Error('store expected');
    await eventually(
      async () => {
        await open?.flushSpans();
        return store.query<{ n: string | number }>(`SELECT count() AS n FROM otel.llm_calls WHERE agent = 'alice'`);
      },
      (r) => Number(r[0]?.n) === 4,
      10_000,
    );
    await open.close();
    open = undefined;

    // A new process: an empty ledger, filled from the store before it serves.
    open = await startBudgetHarness({ storeDir: dir.path, budgets, loadFromStore: true });
    expect(open.budgets.ledger.status(ref).spent).toEqual(before);
    const res = await fetch(`${open.h.gw.url}/v1/budgets`, { headers: { authorization: `Bearer ${open.key('alice')}` } });
    const listing = (await res.json()) as BudgetListing;
    expect(listing.data).toHaveLength(1);
    expect(listing.data[0]).toMatchObject({ name: 'alice-daily', subject: 'agent:alice', spent_micro_usd: before.costMicroUsd, limit_micro_usd: 10_000 });
    // What is left is what was left before the restart: a call that needs more is refused.
    const left = 10_000 - before.costMicroUsd;
    const tooBig = Math.ceil(left / 30) + 10;
    const err = await ask(open.client('alice'), tooBig).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).type).toBe('budget_exceeded');
  });
});
