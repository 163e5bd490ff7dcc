import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BudgetLedger, type BudgetRef, type Reservation } from './ledger.js';
import type { Amount } from './spend-counter.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

function clock(start = T0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms), set: (ms: number) => (t = ms) };
}

const usd = (n: number) => Math.round(n * 1_000_000);
const amt = (costMicroUsd: number, tokens = 0): Amount => ({ costMicroUsd, tokens });

const dailyRef = (limitMicroUsd?: number, limitTokens?: number): BudgetRef => ({
  name: 'daily',
  subject: 'agent:alice',
  limitMicroUsd,
  limitTokens,
  window: { kind: 'calendar', unit: 'daily', timeZone: 'UTC' },
});

describe('BudgetLedger', () => {
  it('reserves, settles to actual usage and releases the rest', () => {
    const c = clock();
    const ledger = new BudgetLedger({ now: c.now });
    const ref = dailyRef(usd(1));
    const r = ledger.reserve([ref], amt(usd(0.4), 100));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(ledger.status(ref).reserved).toEqual(amt(usd(0.4), 100));
    ledger.settle(r.reservation, amt(usd(0.1), 30));
    const s = ledger.status(ref);
    expect(s.spent).toEqual(amt(usd(0.1), 30));
    expect(s.reserved).toEqual(amt(0, 0));
    expect(ledger.openReservations).toBe(0);
  });

  it('refuses a reservation that does not fit, naming the budget and the reset', () => {
    const c = clock();
    const ledger = new BudgetLedger({ now: c.now });
    const ref = dailyRef(usd(1));
    const a = ledger.reserve([ref], amt(usd(0.6)));
    const b = ledger.reserve([ref], amt(usd(0.6)));
    expect(a.ok).toBe(true);
    expect(b.ok).toBe(false);
    if (b.ok) return;
    expect(b.refusals[0].ref.name).toBe('daily');
    expect(b.refusals[0].unit).toBe('usd');
    expect(b.refusals[0].fitsAtMs).toBe(Date.UTC(2025, 0, 16));
  });

  it('needs every budget to fit (all or nothing)', () => {
    const c = clock();
    const ledger = new BudgetLedger({ now: c.now });
    const money = dailyRef(usd(10));
    const tokens: BudgetRef = { ...dailyRef(undefined, 100), name: 'tokens' };
    const r = ledger.reserve([money, tokens], amt(usd(1), 150));
    expect(r.ok).toBe(false);
    expect(ledger.status(money).reserved).toEqual(amt(0, 0));
    if (!r.ok) expect(r.refusals.map((x) => x.unit)).toEqual(['tokens']);
  });

  it('resets a calendar window at the boundary of the injected clock', () => {
    const c = clock(Date.UTC(2025, 0, 15, 23, 59, 0));
    const ledger = new BudgetLedger({ now: c.now });
    const ref = dailyRef(usd(1));
    const r = ledger.reserve([ref], amt(usd(1)));
    if (!r.ok) throw new Error('should fit');
    ledger.settle(r.reservation, amt(usd(1)));
    expect(ledger.reserve([ref], amt(1)).ok).toBe(false);
    c.set(Date.UTC(2025, 0, 16, 0, 0, 0));
    expect(ledger.status(ref).spent).toEqual(amt(0, 0));
    expect(ledger.reserve([ref], amt(usd(1))).ok).toBe(true);
  });

  it('charges a call that settles after the reset to the window it started in', () => {
    const c = clock(Date.UTC(2025, 0, 15, 23, 59, 59));
    const ledger = new BudgetLedger({ now: c.now });
    const ref = dailyRef(usd(1));
    const r = ledger.reserve([ref], amt(usd(0.5)));
    if (!r.ok) throw new Error('should fit');
    c.advance(10_000);
    expect(ledger.status(ref).reserved).toEqual(amt(usd(0.5)));
    ledger.settle(r.reservation, amt(usd(0.2)));
    expect(ledger.status(ref)).toMatchObject({ spent: amt(0, 0), reserved: amt(0, 0) });
  });

  it('ages spend out of a rolling window and tells when a refused call fits', () => {
    const c = clock();
    const ledger = new BudgetLedger({ now: c.now });
    const ref: BudgetRef = { name: 'hour', subject: 'agent:a', limitTokens: 500, window: { kind: 'rolling', durationMs: 3_600_000 } };
    ledger.charge([ref], amt(0, 400));
    c.advance(30 * 60_000);
    ledger.charge([ref], amt(0, 100));
    const r = ledger.reserve([ref], amt(0, 50));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const first = Math.floor(T0 / 60_000) * 60_000;
    expect(r.refusals[0].fitsAtMs).toBe(first + 60_000 + 3_600_000);
    c.set(first + 60_000 + 3_600_000);
    expect(ledger.status(ref).spent.tokens).toBe(100);
    expect(ledger.reserve([ref], amt(0, 50)).ok).toBe(true);
  });

  it('says a call bigger than the whole budget never fits', () => {
    const ledger = new BudgetLedger({ now: clock().now });
    const r = ledger.reserve([dailyRef(undefined, 10)], amt(0, 11));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.refusals[0].fitsAtMs).toBeUndefined();
  });

  it('extends an open reservation only while every budget fits', () => {
    const ledger = new BudgetLedger({ now: clock().now });
    const ref = dailyRef(undefined, 100);
    const r = ledger.reserve([ref], amt(0, 60));
    if (!r.ok) throw new Error('should fit');
    expect(ledger.extend(r.reservation, amt(0, 40))).toEqual([]);
    expect(ledger.extend(r.reservation, amt(0, 1))).toHaveLength(1);
    expect(r.reservation.amount.tokens).toBe(100);
  });

  it('settles once even if called twice', () => {
    const ledger = new BudgetLedger({ now: clock().now });
    const ref = dailyRef(usd(1));
    const r = ledger.reserve([ref], amt(usd(0.5)));
    if (!r.ok) throw new Error('should fit');
    ledger.settle(r.reservation, amt(usd(0.3)));
    ledger.settle(r.reservation, amt(usd(0.3)));
    expect(ledger.status(ref).spent.costMicroUsd).toBe(usd(0.3));
  });
});

type Op =
  | { kind: 'reserve'; cost: number; tokens: number }
  | { kind: 'settle'; pick: number; fraction: number }
  | { kind: 'extend'; pick: number; cost: number; tokens: number }
  | { kind: 'release'; pick: number }
  | { kind: 'tick'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('reserve' as const), cost: fc.integer({ min: 0, max: 400 }), tokens: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('extend' as const), pick: fc.nat(), cost: fc.integer({ min: 0, max: 100 }), tokens: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 5 * 60_000 }) }),
);

describe('BudgetLedger properties', () => {
  it('under any interleaving of reserve/extend/settle/release, spend + reserved never exceeds a limit and never goes negative', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 120 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 1, max: 2_000 }),
        (ops, rolling, limitCost, limitTokens) => {
          const c = clock();
          const ledger = new BudgetLedger({ now: c.now });
          const window = rolling ? ({ kind: 'rolling', durationMs: 10 * 60_000 } as const) : ({ kind: 'calendar', unit: 'hourly', timeZone: 'UTC' } as const);
          const refs: BudgetRef[] = [
            { name: 'money', subject: 'agent:a', limitMicroUsd: limitCost, window },
            { name: 'tokens', subject: 'agent:a', limitTokens, window },
          ];
          const open: Reservation[] = [];
          let charged = { cost: 0, tokens: 0 };
          for (const op of ops) {
            if (op.kind === 'reserve') {
              const r = ledger.reserve(refs, amt(op.cost, op.tokens));
              if (r.ok) open.push(r.reservation);
            } else if (op.kind === 'tick') c.advance(op.ms);
            else if (open.length > 0) {
              const res = open[op.pick % open.length];
              if (op.kind === 'extend') ledger.extend(res, amt(op.cost, op.tokens));
              else {
                open.splice(open.indexOf(res), 1);
                // Actual usage never exceeds what was held (the stage grows the hold first).
                const actual = op.kind === 'release' ? amt(0, 0) : amt(Math.floor(res.amount.costMicroUsd * op.fraction), Math.floor(res.amount.tokens * op.fraction));
                ledger.settle(res, actual);
                charged = { cost: charged.cost + actual.costMicroUsd, tokens: charged.tokens + actual.tokens };
              }
            }
            const m = ledger.status(refs[0]);
            const t = ledger.status(refs[1]);
            if (m.spent.costMicroUsd + m.reserved.costMicroUsd > limitCost) return false;
            if (t.spent.tokens + t.reserved.tokens > limitTokens) return false;
            if (m.spent.costMicroUsd < 0 || m.reserved.costMicroUsd < 0 || t.spent.tokens < 0 || t.reserved.tokens < 0) return false;
          }
          for (const res of open) ledger.release(res);
          const m = ledger.status(refs[0]);
          if (m.reserved.costMicroUsd !== 0 || ledger.openReservations !== 0) return false;
          // Without time passing past a window, spend equals the sum of charges.
          return ops.some((o) => o.kind === 'tick' && o.ms > 0) || m.spent.costMicroUsd === charged.cost;
        },
      ),
      { numRuns: 300 },
    );
  });
});
