import { addAmounts, subAmounts, SpendCounter, ZERO_AMOUNT, type Amount, type BucketLayout } from './spend-counter.js';
import { windowAt, type WindowBounds, type WindowSpec } from './windows.js';

/** One budget as it applies to one subject (resolved from config per request). */
export interface BudgetRef {
  /** The budget's name (unique in config). */
  name: string;
  /** Whose spend: `agent:alice`, `team:research`, `key:k1`, `global`. */
  subject: string;
  limitMicroUsd?: number;
  limitTokens?: number;
  window: WindowSpec;
}

/** Money and/or tokens held for one in-flight call against several budgets at once. */
export interface Reservation {
  readonly id: number;
  readonly refs: readonly BudgetRef[];
  /** Currently held (grows with `extend`). */
  amount: Amount;
  /** When the call was received: its charge lands in that time's bucket. */
  readonly atMs: number;
  done: boolean;
}

/** Why a reservation did not fit one budget. */
export interface Refusal {
  ref: BudgetRef;
  unit: 'usd' | 'tokens';
  limit: number;
  spent: number;
  reserved: number;
  needed: number;
  /** When the call could fit (window reset, or rolling spend aging out); undefined: never (needed > limit). */
  fitsAtMs: number | undefined;
}

export type ReserveResult = { ok: true; reservation: Reservation } | { ok: false; refusals: Refusal[] };

export interface BudgetStatus {
  spent: Amount;
  reserved: Amount;
  window: WindowBounds;
  /** Calendar windows: when the window resets. */
  resetAtMs: number | undefined;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
// In-flight reservations block a rolling window that has nothing left to age out: retry soon.
const RETRY_FOR_INFLIGHT_MS = 1_000;

/** Buckets per window stay near 1 500 at most, so memory per subject is bounded. */
export function layoutFor(spec: WindowSpec, nowMs: number): BucketLayout & { window: WindowBounds } {
  const window = windowAt(spec, nowMs);
  if (spec.kind === 'calendar') {
    const bucketMs = spec.unit === 'monthly' ? HOUR_MS : MINUTE_MS;
    return { originMs: window.startMs, bucketMs, key: `${spec.unit}|${spec.timeZone}|${window.startMs}`, window };
  }
  const bucketMs = Math.max(MINUTE_MS, Math.ceil(spec.durationMs / 1440 / MINUTE_MS) * MINUTE_MS);
  return { originMs: 0, bucketMs, key: `rolling|${bucketMs}`, window };
}

type Layout = BucketLayout & { window: WindowBounds };
const layouts = new WeakMap<WindowSpec, Layout>();

/**
 * `layoutFor`, reused per window spec while it holds: a calendar layout until its window
 * ends, a rolling layout always (only its window slides with the clock).
 */
function currentLayout(spec: WindowSpec, nowMs: number): Layout {
  const hit = layouts.get(spec);
  if (hit) {
    if (spec.kind === 'rolling') return { originMs: hit.originMs, bucketMs: hit.bucketMs, key: hit.key, window: windowAt(spec, nowMs) };
    if (nowMs >= hit.window.startMs && nowMs < hit.window.endMs) return hit;
  }
  const fresh = layoutFor(spec, nowMs);
  layouts.set(spec, fresh);
  return fresh;
}

/**
 * The budget ledger: pure state and arithmetic, clock injected. A call reserves its worst
 * case against every budget that applies (all or nothing, synchronously, so concurrent calls
 * can never together pass a limit), then settles to its actual usage. Spend per budget and
 * subject lives in `SpendCounter`s, which the store sync fills from the shared store.
 */
export class BudgetLedger {
  readonly #now: () => number;
  /** Counters by budget name, then subject: both strings come from memoized refs, so lookups build no key. */
  readonly #counters = new Map<string, Map<string, SpendCounter>>();
  readonly #open = new Set<Reservation>();
  #nextId = 1;

  constructor(opts: { now: () => number }) {
    this.#now = opts.now;
  }

  /** The ledger's wall clock (epoch ms); windows and charges use it, not the request's timer. */
  now(): number {
    return this.#now();
  }

  /** The counter of `ref`, moved to the current window (calendar reset, rolling eviction). */
  counter(name: string, subject: string, spec: WindowSpec, nowMs = this.#now()): { counter: SpendCounter; window: WindowBounds } {
    const layout = currentLayout(spec, nowMs);
    let bySubject = this.#counters.get(name);
    if (!bySubject) this.#counters.set(name, (bySubject = new Map()));
    let c = bySubject.get(subject);
    if (!c) {
      c = new SpendCounter(layout);
      bySubject.set(subject, c);
    } else if (c.layout.key !== layout.key) c.relayout(layout);
    if (spec.kind === 'rolling') c.evict(layout.window.startMs);
    return { counter: c, window: layout.window };
  }

  /** What `ref` has spent and holds now (`status` without the window; for per-call span attributes). */
  held(ref: BudgetRef): { spent: Amount; reserved: Amount } {
    return this.counter(ref.name, ref.subject, ref.window).counter;
  }

  status(ref: BudgetRef, nowMs = this.#now()): BudgetStatus {
    const { counter, window } = this.counter(ref.name, ref.subject, ref.window, nowMs);
    return { spent: counter.spent, reserved: counter.reserved, window, resetAtMs: ref.window.kind === 'calendar' ? window.endMs : undefined };
  }

  /** Holds `amount` against every budget in `refs`, or refuses naming each budget it does not fit. */
  reserve(refs: readonly BudgetRef[], amount: Amount, atMs = this.#now()): ReserveResult {
    const nowMs = this.#now();
    const counters = refs.map((r) => this.counter(r.name, r.subject, r.window, nowMs));
    const refusals = this.#refusals(refs, counters, amount, nowMs);
    if (refusals.length > 0) return { ok: false, refusals };
    for (const { counter } of counters) counter.reserved = addAmounts(counter.reserved, amount);
    const reservation: Reservation = { id: this.#nextId++, refs: [...refs], amount: { ...amount }, atMs, done: false };
    this.#open.add(reservation);
    return { ok: true, reservation };
  }

  /** Grows an open reservation by `extra` if every budget still fits (streams without a cap). */
  extend(res: Reservation, extra: Amount): Refusal[] {
    if (res.done) throw new Error('extend after settle');
    const nowMs = this.#now();
    const counters = res.refs.map((r) => this.counter(r.name, r.subject, r.window, nowMs));
    const refusals = this.#refusals(res.refs, counters, extra, nowMs);
    if (refusals.length > 0) return refusals;
    for (const { counter } of counters) counter.reserved = addAmounts(counter.reserved, extra);
    res.amount = addAmounts(res.amount, extra);
    return [];
  }

  /**
   * Releases the reservation and charges `actual` (which may differ from what was held; a
   * charge above the reservation is still recorded — the provider bills it). Idempotent.
   */
  settle(res: Reservation, actual: Amount): void {
    if (res.done) return;
    res.done = true;
    this.#open.delete(res);
    const nowMs = this.#now();
    for (const ref of res.refs) {
      const { counter, window } = this.counter(ref.name, ref.subject, ref.window, nowMs);
      counter.reserved = subAmounts(counter.reserved, res.amount);
      if (inWindow(counter, window, res.atMs) && (actual.costMicroUsd !== 0 || actual.tokens !== 0)) counter.addOwn(res.atMs, actual);
    }
  }

  release(res: Reservation): void {
    this.settle(res, ZERO_AMOUNT);
  }

  /** Charges without a reservation (tool calls priced per call, imports). */
  charge(refs: readonly BudgetRef[], amount: Amount, atMs = this.#now()): void {
    const nowMs = this.#now();
    for (const ref of refs) {
      const { counter, window } = this.counter(ref.name, ref.subject, ref.window, nowMs);
      if (inWindow(counter, window, atMs)) counter.addOwn(atMs, amount);
    }
  }

  get openReservations(): number {
    return this.#open.size;
  }

  /** Every counter held, for `GET /v1/budgets` of an admin and for store sync. */
  entries(): Array<{ name: string; subject: string; counter: SpendCounter }> {
    const out: Array<{ name: string; subject: string; counter: SpendCounter }> = [];
    for (const [name, bySubject] of this.#counters) for (const [subject, counter] of bySubject) out.push({ name, subject, counter });
    return out;
  }

  /** Forgets counters with nothing held or reserved (subjects gone idle past their window). */
  prune(): void {
    for (const [name, bySubject] of this.#counters) {
      for (const [subject, c] of bySubject) {
        if (c.buckets().length === 0 && c.reserved.costMicroUsd === 0 && c.reserved.tokens === 0) bySubject.delete(subject);
      }
      if (bySubject.size === 0) this.#counters.delete(name);
    }
  }

  /** Why `extra` does not fit each of `refs` (empty when it fits all). */
  #refusals(refs: readonly BudgetRef[], counters: ReadonlyArray<{ counter: SpendCounter; window: WindowBounds }>, extra: Amount, nowMs: number): Refusal[] {
    const out: Refusal[] = [];
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i] as BudgetRef;
      const { counter, window } = counters[i] as { counter: SpendCounter; window: WindowBounds };
      // Each unit with a limit, checked inline: this runs on every call.
      if (ref.limitMicroUsd !== undefined && !fits(ref.limitMicroUsd, counter.spent.costMicroUsd, counter.reserved.costMicroUsd, extra.costMicroUsd)) {
        out.push(refusal(ref, 'usd', ref.limitMicroUsd, counter, window, extra, COST, nowMs));
      }
      if (ref.limitTokens !== undefined && !fits(ref.limitTokens, counter.spent.tokens, counter.reserved.tokens, extra.tokens)) {
        out.push(refusal(ref, 'tokens', ref.limitTokens, counter, window, extra, TOKENS, nowMs));
      }
    }
    return out;
  }
}

const COST = (a: Amount): number => a.costMicroUsd;
const TOKENS = (a: Amount): number => a.tokens;
const fits = (limit: number, spent: number, reserved: number, needed: number): boolean => needed <= 0 || spent + reserved + needed <= limit;

function refusal(ref: BudgetRef, unit: Refusal['unit'], limit: number, counter: SpendCounter, window: WindowBounds, extra: Amount, pick: (a: Amount) => number, nowMs: number): Refusal {
  const needed = pick(extra);
  return { ref, unit, limit, spent: pick(counter.spent), reserved: pick(counter.reserved), needed, fitsAtMs: fitsAt(ref, counter, window, limit, needed, pick, nowMs) };
}

function inWindow(counter: SpendCounter, window: WindowBounds, atMs: number): boolean {
  return counter.bucketOf(atMs) + counter.layout.bucketMs > window.startMs;
}

function fitsAt(ref: BudgetRef, counter: SpendCounter, window: WindowBounds, limit: number, needed: number, pick: (a: Amount) => number, nowMs: number): number | undefined {
  if (needed > limit) return undefined;
  if (ref.window.kind === 'calendar') return window.endMs;
  // Rolling: the oldest buckets age out first; find when enough has left the window.
  let deficit = pick(counter.spent) + pick(counter.reserved) + needed - limit;
  for (const [start, amount] of counter.buckets()) {
    deficit -= pick(amount);
    if (deficit <= 0) return start + counter.layout.bucketMs + ref.window.durationMs;
  }
  return nowMs + RETRY_FOR_INFLIGHT_MS;
}
