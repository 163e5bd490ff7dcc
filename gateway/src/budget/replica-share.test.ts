import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BudgetsSectionSchema } from '../config/sections/budgets.js';
import { budgetExceededError } from './budget-errors.js';
import { BudgetLedger, type BudgetRef, type Reservation } from './ledger.js';
import type { Amount } from './spend-counter.js';
import { StoreSync } from './store-sync.js';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const LIMIT = 1_000_000;
const ref: BudgetRef = { name: 'daily', subject: 'agent:alice', limitMicroUsd: LIMIT, limitTokens: 100_000, window: { kind: 'calendar', unit: 'daily', timeZone: 'UTC' } };
const amt = (costMicroUsd: number, tokens = 0): Amount => ({ costMicroUsd, tokens });

function clock(start = T0) {
  let t = start;
  return { now: () => t, set: (ms: number) => (t = ms) };
}

/** A ledger on a fixed clock whose budget is shared by `replicas` until `T0 + 5 s`. */
function sharedLedger(replicas: number) {
  const c = clock();
  const ledger = new BudgetLedger({ now: c.now });
  ledger.renewShares(ref.name, replicas, T0 + 5_000);
  return { c, ledger };
}

/** What a sync does to one ledger: the store's total for the bucket, then fresh shares. */
function sync(ledger: BudgetLedger, storeTotal: Amount, replicas: number, renewsAtMs: number): void {
  const { counter } = ledger.counter(ref.name, ref.subject, ref.window);
  counter.setStore(T0, storeTotal, false);
  ledger.renewShares(ref.name, replicas, renewsAtMs);
}

describe('replica shares of a budget (budgets.replicas)', () => {
  it('holds a replica to its half of the headroom until the next sync, and the 429 says so', () => {
    const { ledger } = sharedLedger(2);
    const a = ledger.reserve([ref], amt(400_000, 10));
    expect(a.ok).toBe(true);
    if (a.ok) ledger.settle(a.reservation, amt(300_000, 10));
    expect(ledger.reserve([ref], amt(200_000)).ok).toBe(true);
    // 500 000 of the share is used (300 000 charged, 200 000 held); the limit has 500 000 left.
    const refused = ledger.reserve([ref], amt(1));
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.refusals).toHaveLength(1);
    expect(refused.refusals[0]).toMatchObject({ unit: 'usd', limit: LIMIT, spent: 300_000, reserved: 200_000, needed: 1, fitsAtMs: T0 + 5_000, replicaShare: { replicas: 2, left: 0 } });
    const err = budgetExceededError(refused.refusals, T0);
    expect(err.code).toBe('GW_BUDGET_EXCEEDED');
    expect(err.retryAfterMs).toBe(5_000);
    expect(err.message).toContain('share of what is left until its next store sync (1 of 2 replicas) has 0.000000 USD');
    expect(err.message).toContain(`renews at ${new Date(T0 + 5_000).toISOString()}`);
  });

  it('renews from the store: the others’ flushed spend counts, their unflushed spend is estimated', () => {
    const { ledger } = sharedLedger(2);
    const a = ledger.reserve([ref], amt(200_000));
    if (!a.ok) throw new Error('expected to fit');
    ledger.settle(a.reservation, amt(200_000));
    // The store now holds this replica's 200 000 and the other's 100 000. The other may have
    // spent as much as this one since (200 000) without it showing: known 500 000, share 250 000.
    sync(ledger, amt(300_000), 2, T0 + 10_000);
    expect(ledger.reserve([ref], amt(250_001)).ok).toBe(false);
    const b = ledger.reserve([ref], amt(250_000));
    if (!b.ok) throw new Error('expected to fit');
    ledger.release(b.reservation);
    // A sync with nothing spent in between drops the estimate: (1 000 000 − 300 000) / 2.
    sync(ledger, amt(300_000), 2, T0 + 15_000);
    expect(ledger.reserve([ref], amt(350_001)).ok).toBe(false);
    expect(ledger.reserve([ref], amt(350_000)).ok).toBe(true);
  });

  it('applies to tokens as to money, and a share that does not fit waits even though the limit has room', () => {
    const { ledger } = sharedLedger(4);
    expect(ledger.reserve([ref], amt(0, 25_000)).ok).toBe(true);
    const r = ledger.reserve([ref], amt(0, 1));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.refusals[0]).toMatchObject({ unit: 'tokens', replicaShare: { replicas: 4, left: 0 } });
    // With one replica, shares are dropped: the limit alone decides.
    ledger.renewShares(ref.name, 1, T0 + 5_000);
    expect(ledger.reserve([ref], amt(0, 75_000)).ok).toBe(true);
    expect(ledger.counter(ref.name, ref.subject, ref.window).counter.share).toBeUndefined();
  });

  it('gives a fresh share when a calendar window turns, and a new subject starts with one', () => {
    const { c, ledger } = sharedLedger(2);
    const bob: BudgetRef = { ...ref, subject: 'agent:bob' };
    expect(ledger.reserve([bob], amt(500_001)).ok).toBe(false);
    const a = ledger.reserve([ref], amt(500_000));
    if (!a.ok) throw new Error('expected to fit');
    ledger.settle(a.reservation, amt(500_000));
    expect(ledger.reserve([ref], amt(1)).ok).toBe(false);
    c.set(Date.UTC(2025, 0, 16, 0, 0, 1));
    expect(ledger.reserve([ref], amt(500_001)).ok).toBe(false);
    expect(ledger.reserve([ref], amt(500_000)).ok).toBe(true);
  });

  it('a replica that cannot read the store at start still spends only its share', async () => {
    const c = clock();
    const ledger = new BudgetLedger({ now: c.now });
    const down = { usageBuckets: () => Promise.reject(new Error('store down')) };
    const section = BudgetsSectionSchema.parse({ replicas: 2, rules: [{ name: 'daily', per: 'agent', limitUsd: 1, window: 'daily' }] });
    await expect(new StoreSync(ledger, down).refresh(section, 'load')).rejects.toThrow('budget store load failed');
    expect(ledger.reserve([ref], amt(500_001)).ok).toBe(false);
    expect(ledger.reserve([ref], amt(500_000)).ok).toBe(true);
  });

  it('an open stream grows only within the share', () => {
    const { ledger } = sharedLedger(2);
    const r = ledger.reserve([ref], amt(100_000));
    if (!r.ok) throw new Error('expected to fit');
    expect(ledger.extend(r.reservation, amt(400_000))).toEqual([]);
    const refusals = ledger.extend(r.reservation, amt(1));
    expect(refusals[0]?.replicaShare).toEqual({ replicas: 2, left: 0 });
  });

  // Two replicas whose syncs see every replica's spend and holds as they are (a store without
  // lag): with shares they never pass the limit together, whatever the order of calls and
  // syncs; without, they do. (With lag, the estimate of the others' unseen spend is what keeps
  // them close: the chDB bench in store-sync.test.ts measures that.)
  const op = fc.oneof(
    fc.record({ kind: fc.constant('reserve' as const), replica: fc.integer({ min: 0, max: 1 }), worst: fc.integer({ min: 50_000, max: 400_000 }) }),
    fc.record({ kind: fc.constant('settle' as const), replica: fc.integer({ min: 0, max: 1 }), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc.record({ kind: fc.constant('sync' as const) }),
  );

  type Op = { kind: 'reserve'; replica: number; worst: number } | { kind: 'settle'; replica: number; fraction: number } | { kind: 'sync' };

  function run(ops: readonly Op[], replicas: number): number {
    const c = clock();
    const ledgers = [new BudgetLedger({ now: c.now }), new BudgetLedger({ now: c.now })];
    const open: Reservation[][] = [[], []];
    const charged = [0, 0];
    const held = () => [...open[0], ...open[1]].reduce((n, r) => n + r.amount.costMicroUsd, 0);
    const syncAll = () => {
      const seen = charged[0] + charged[1] + held();
      for (const l of ledgers) sync(l, amt(seen), replicas, T0 + 5_000);
    };
    syncAll();
    for (const o of ops) {
      if (o.kind === 'sync') syncAll();
      else if (o.kind === 'reserve') {
        const r = ledgers[o.replica].reserve([ref], amt(o.worst));
        if (r.ok) open[o.replica].push(r.reservation);
      } else {
        const r = open[o.replica].shift();
        if (!r) continue;
        const cost = Math.floor(r.amount.costMicroUsd * o.fraction);
        ledgers[o.replica].settle(r, amt(cost));
        charged[o.replica] += cost;
      }
    }
    // Whatever is still open is charged in full: the worst case.
    for (const i of [0, 1]) for (const r of open[i]) charged[i] += r.amount.costMicroUsd;
    return charged[0] + charged[1];
  }

  it('two replicas that sync together never pass the limit (property)', () => {
    fc.assert(fc.property(fc.array(op, { minLength: 10, maxLength: 80, size: 'max' }), (ops) => run(ops, 2) <= LIMIT), { numRuns: 300 });
  });

  it('without shares the same two replicas can pass it', () => {
    const ops = [0, 1].flatMap((replica) => Array.from({ length: 4 }, () => ({ kind: 'reserve' as const, replica, worst: 250_000 })));
    expect(run(ops, 1)).toBe(2 * LIMIT);
    expect(run(ops, 2)).toBe(LIMIT);
  });
});
