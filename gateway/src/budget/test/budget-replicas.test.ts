import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/harness.js';
import type { BudgetListing } from '../budgets-handler.js';
import type { BudgetRef } from '../ledger.js';
import { type BudgetHarness, startBudgetHarness, tempDir } from './budget-harness.js';

const dir = tempDir('sluice-budget-replicas-');
// One of two replicas: each may use half of what is left between two syncs of the store.
const budgets = { replicas: 2, syncIntervalMs: 60_000, rules: [{ name: 'alice-daily', per: 'agent', match: { agent: 'alice' }, limitUsd: 0.01, window: 'daily' }] };
const ref: BudgetRef = { name: 'alice-daily', subject: 'agent:alice', limitMicroUsd: 10_000, window: { kind: 'calendar', unit: 'daily', timeZone: 'UTC' } };
let open: BudgetHarness | undefined;
afterAll(async () => {
  await open?.close();
  dir.remove();
});

const ask = (client: OpenAI) => client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'Tell me about rivers.' }], max_tokens: 60 });

describe('a budget shared by replicas (budgets.replicas: 2, chDB)', () => {
  it('refuses past this replica’s share with a 429 naming it, and renews the share from the store', async () => {
    open = await startBudgetHarness({ storeDir: dir.path, budgets, loadFromStore: true });
    const client = open.client('alice');
    let calls = 0;
    let err: unknown;
    for (; calls < 20; calls++) {
      err = await ask(client).then(() => undefined, (e: unknown) => e);
      if (err) break;
    }
    // The share (5 000 of the 10 000 micro-USD) ran out while the budget itself had room.
    expect(calls).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.type).toBe('budget_exceeded');
    expect(e.message).toContain('(1 of 2 replicas)');
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThan(0);
    const { spent, reserved } = open.budgets.ledger.status(ref);
    expect(reserved.costMicroUsd).toBe(0);
    expect(spent.costMicroUsd).toBeLessThanOrEqual(5_000);
    expect(spent.costMicroUsd + 60 * 30 + 200).toBeLessThan(10_000);
    // GET /v1/budgets shows the share beside the budget: less left of it than a call needs.
    const res = await fetch(`${open.h.gw.url}/v1/budgets`, { headers: { authorization: `Bearer ${open.key('alice')}` } });
    const listing = (await res.json()) as BudgetListing;
    expect(listing.data[0]).toMatchObject({ name: 'alice-daily', spent_micro_usd: spent.costMicroUsd, remaining_micro_usd: 10_000 - spent.costMicroUsd, replica_share: { replicas: 2 } });
    expect(listing.data[0]?.replica_share?.remaining_micro_usd).toBe(5_000 - spent.costMicroUsd);

    // The calls reach the store; two syncs later (the second with nothing spent in between,
    // so no estimate of the other replica's unseen spend) the share is half of what is left.
    const store = open.h.gw.store;
    if (!store) throw new Error('store expected');
    // The refusal is a call of its own in the store, with its status and the budget that refused.
    const rows = await eventually(
      async () => {
        await open?.flushSpans();
        return store.query<{ ok: string | number; refused: string | number }>(
          `SELECT countIf(status_code = 200) AS ok, countIf(status_code = 429) AS refused FROM otel.llm_calls WHERE agent = 'alice'`,
        );
      },
      (r) => Number(r[0]?.ok) === calls && Number(r[0]?.refused) === 1,
      10_000,
    );
    expect(rows[0]).toMatchObject({ ok: calls, refused: 1 });
    await open.budgets.syncOnce();
    await open.budgets.syncOnce();
    await expect(ask(client)).resolves.toMatchObject({ object: 'chat.completion' });
  });
});
