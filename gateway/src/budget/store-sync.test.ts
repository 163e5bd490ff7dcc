import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR, migrate, OPERATION, openStore, SLUICE, StoreConfigSchema, type SpanRow, type SpanStore } from '../../../collector/src/index.js';
import { createBudgets } from './create-budgets.js';
import { replicaTableDdl } from './replica-registry.js';
import type { BudgetRef } from './ledger.js';
import { testConfig } from './test/stage-fixtures.js';
import { benchOvershoot } from './overshoot-bench.js';

let dir: string;
let store: SpanStore;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-budget-sync-'));
  store = openStore(StoreConfigSchema.parse({ mode: 'embedded', path: join(dir, 'chdb') }), { env: {} });
  await migrate(store);
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function llmSpan(o: { agent: string; team?: string; startMs: number; costMicroUsd: number; input: number; output: number; model?: string }): SpanRow {
  return {
    Timestamp: BigInt(o.startMs) * 1_000_000n, TraceId: 'a'.repeat(32), SpanId: Math.random().toString(16).slice(2, 18).padEnd(16, '0'), ParentSpanId: '', TraceState: '',
    SpanName: 'chat x', SpanKind: 'Server', ServiceName: 'test', ResourceAttributes: {}, ScopeName: 's', ScopeVersion: '',
    SpanAttributes: {
      [ATTR.GEN_AI_OPERATION_NAME]: OPERATION.CHAT, [ATTR.GEN_AI_REQUEST_MODEL]: o.model ?? 'gpt-4o', [SLUICE.AGENT]: o.agent, [SLUICE.TEAM]: o.team ?? '',
      [SLUICE.COST_MICRO_USD]: String(o.costMicroUsd), [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: String(o.input), [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: String(o.output),
    },
    Duration: 1_000_000n, StatusCode: 'Ok', StatusMessage: '', Events: [], Links: [],
  };
}

const logger = { info: () => {}, warn: () => {} };
const daily = (agent: string): BudgetRef => ({ name: 'daily', subject: `agent:${agent}`, limitMicroUsd: 1_000_000, limitTokens: 100_000, window: { kind: 'calendar', unit: 'daily', timeZone: 'UTC' } });
const config = testConfig({ budgets: { rules: [{ name: 'daily', per: 'agent', limitUsd: 1, limitTokens: 100_000, window: 'daily' }] } });

describe('budget spend persisted in the store (chDB)', () => {
  it('loads the current window on start, so a restart forgets nothing; earlier windows do not count', async () => {
    const now = Date.now();
    await store.insert([
      llmSpan({ agent: 'restart', startMs: now - 60_000, costMicroUsd: 1234, input: 100, output: 20 }),
      llmSpan({ agent: 'restart', startMs: now - 30_000, costMicroUsd: 1000, input: 10, output: 10 }),
      llmSpan({ agent: 'restart', startMs: now - 3 * 86_400_000, costMicroUsd: 999_999, input: 1, output: 1 }),
    ]);
    const b = createBudgets({ now: Date.now, logger, store, getConfig: () => config });
    await b.loadFromStore();
    const s = b.ledger.status(daily('restart'));
    // Two calls today (if the test runs right after midnight UTC, only those after it).
    const todayStart = new Date(new Date(now).toISOString().slice(0, 10)).getTime();
    const expected = [now - 60_000, now - 30_000].filter((t) => t >= todayStart).length;
    expect(s.spent.costMicroUsd).toBe(expected === 2 ? 2234 : expected === 1 ? 1000 : 0);
    expect(s.spent.tokens).toBe(expected === 2 ? 140 : expected === 1 ? 20 : 0);
  });

  it('counts own charges once when they reach the store, and other replicas’ once synced', async () => {
    const now = Date.now();
    const a = createBudgets({ now: Date.now, logger, store, getConfig: () => config });
    const ref = daily('shared');
    a.ledger.charge([ref], { costMicroUsd: 500, tokens: 50 }, now);
    // This replica's own span arrives, plus one from another replica.
    await store.insert([llmSpan({ agent: 'shared', startMs: now, costMicroUsd: 500, input: 40, output: 10 }), llmSpan({ agent: 'shared', startMs: now, costMicroUsd: 300, input: 20, output: 10 })]);
    expect(a.ledger.status(ref).spent.costMicroUsd).toBe(500);
    await a.syncOnce();
    // max(store 800, own 500) for the bucket: the own charge is not counted twice.
    expect(a.ledger.status(ref).spent).toEqual({ costMicroUsd: 800, tokens: 80 });
  });

  it('applies a budget’s selection (team) in the store query', async () => {
    const now = Date.now();
    await store.insert([llmSpan({ agent: 'x1', team: 'red', startMs: now, costMicroUsd: 70, input: 1, output: 1 }), llmSpan({ agent: 'x2', team: 'blue', startMs: now, costMicroUsd: 30, input: 1, output: 1 })]);
    const cfg = testConfig({ budgets: { rules: [{ name: 'red-team', per: 'team', match: { team: 'red' }, limitUsd: 1, window: 'monthly', timezone: 'Europe/Paris' }] } });
    const b = createBudgets({ now: Date.now, logger, store, getConfig: () => cfg });
    await b.loadFromStore();
    const s = b.ledger.status({ name: 'red-team', subject: 'team:red', limitMicroUsd: 1_000_000, window: { kind: 'calendar', unit: 'monthly', timeZone: 'Europe/Paris' } });
    expect(s.spent.costMicroUsd).toBe(70);
    expect(b.ledger.entries().map((e) => e.subject)).toEqual(['team:red']);
  });

  it('benchOvershoot: two ledgers sharing the store stay within the documented bound', async () => {
    const r = await benchOvershoot({ store, durationMs: 2_500, limitUsd: 0.008, syncIntervalMs: 200, exportDelayMs: 200, concurrency: 3, callMs: 30 });
    expect(r.instances.every((i) => i.accepted > 0)).toBe(true);
    expect(r.instances.some((i) => i.refused > 0)).toBe(true);
    // Each instance alone never passes the limit; together they pass it by at most what the
    // other charged in one export delay + sync interval + query (bounded here by the limit).
    expect(r.chargedMicroUsd).toBeLessThanOrEqual(2 * r.limitMicroUsd);
    expect(r.instances.every((i) => i.chargedMicroUsd <= r.limitMicroUsd)).toBe(true);
  });

  it('budgets.replicas: auto counts the replicas syncing on the store, and drops one that stopped', async () => {
    let t = Date.now();
    const cfg = testConfig({ budgets: { replicas: 'auto', syncIntervalMs: 1_000, rules: [{ name: 'daily', per: 'agent', limitUsd: 1, window: 'daily' }] } });
    const [a, b] = [0, 1].map(() => createBudgets({ now: () => t, logger, store, getConfig: () => cfg }));
    const ref = daily('auto-count');
    await a.syncOnce();
    // Alone so far: one replica, whole limits.
    expect(a.ledger.shareStatus(ref)).toBeUndefined();
    await b.syncOnce();
    await a.syncOnce();
    expect(a.ledger.shareStatus(ref)).toMatchObject({ replicas: 2, leftMicroUsd: 500_000 });
    expect(b.ledger.shareStatus(ref)).toMatchObject({ replicas: 2 });
    // b stops syncing; once its heartbeat is three intervals old, a counts itself alone again.
    t += 3_500;
    await a.syncOnce();
    expect(a.ledger.shareStatus(ref)).toBeUndefined();
    expect(a.ledger.reserve([ref], { costMicroUsd: 900_000, tokens: 0 }).ok).toBe(true);
  });

  it('rateLimits.replicas: auto divides the limits by the same count, budgets or not', async () => {
    const cfg = testConfig({ budgets: { syncIntervalMs: 1_000 }, rateLimits: { replicas: 'auto', rules: [{ name: 'tool-rph', appliesTo: 'tools', per: 'agent', requests: 4, period: 'hour' }] } });
    // Fresh ids: the registry also holds the replicas of the test before (seen within three intervals).
    let t = Date.now() + 10_000;
    const [a, b] = [0, 1].map(() => createBudgets({ now: () => t, logger, store, getConfig: () => cfg }));
    await a.syncOnce();
    await b.syncOnce();
    await a.syncOnce();
    const who = { method: 'virtual-key' as const, agent: 'rl-auto', keyId: 'k' };
    expect(a.checkToolRate(who, 'srv', 'tool').headers['x-ratelimit-limit-requests']).toBe('2');
    a.checkToolRate(who, 'srv', 'tool');
    expect(() => a.checkToolRate(who, 'srv', 'tool')).toThrow('this gateway\'s share of 4 divided among 2 replicas');
    t += 3_500;
    await a.syncOnce();
    // Alone again: the whole limit (for a caller with a fresh state; the one above waits off
    // what it took at the smaller limit).
    expect(a.checkToolRate({ ...who, agent: 'rl-auto-2' }, 'srv', 'tool').headers['x-ratelimit-limit-requests']).toBe('4');
  });

  it('benchOvershoot with budgets.replicas: 2 stays near the limit, where one ledger each passes it by most of the limit', async () => {
    // The same load without shares charged 1.9× the limit on this machine; with them, at most the limit.
    const r = await benchOvershoot({ store, durationMs: 2_500, limitUsd: 0.008, syncIntervalMs: 200, exportDelayMs: 200, concurrency: 3, callMs: 30, replicas: 2 });
    expect(r.replicas).toBe(2);
    expect(r.instances.every((i) => i.accepted > 0 && i.refused > 0)).toBe(true);
    expect(r.chargedMicroUsd).toBeLessThanOrEqual(1.25 * r.limitMicroUsd);
    // Shares do not starve the budget: most of it is spent.
    expect(r.chargedMicroUsd).toBeGreaterThanOrEqual(0.6 * r.limitMicroUsd);
  });
});

describe('the replica registry table', () => {
  it('renders ON CLUSTER with a replicated engine only for a cluster', () => {
    expect(replicaTableDdl('otel', undefined)).toContain('ENGINE = ReplacingMergeTree(seen_at)');
    expect(replicaTableDdl('otel', undefined)).not.toContain('ON CLUSTER');
    const clustered = replicaTableDdl('otel', 'main');
    expect(clustered).toContain('`otel`.`sluice_budget_replicas` ON CLUSTER `main`');
    expect(clustered).toContain('ENGINE = ReplicatedReplacingMergeTree(seen_at)');
  });
});
