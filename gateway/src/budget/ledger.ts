import { fitsShare, shareLeft, type ReplicaShare } from './replica-share.js';
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
  /** Set when the limit has room but this replica's share of it (`budgets.replicas`) does not. */
  replicaShare?: { replicas: number; left: number };
}

export type ReserveResult = { ok: true; reservation: Reservation } | { ok: false; refusals: Refusal[] };

export interface BudgetStatus {
  spent: Amount;
  reserved: Amount;
  window: WindowBounds;
  /** Calendar windows: when the window resets. */
  resetAtMs: number | undefined;
}

/** A replica's share of one budget now (see `replica-share.ts`). */
export interface ShareStatus {
  replicas: number;
  leftMicroUsd?: number;
  leftTokens?: number;
  renewsAtMs: number;
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
  /** Reservations neither settled nor released (a count: a set of them cost a rehash now and then). */
  #open = 0;
  #nextId = 1;
  /** Several replicas share the store: new counters start with a share too (see `renewShares`). */
  #shares: { replicas: number; renewsAtMs: number } | undefined;

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
    return { counter: this.#counterIn(name, subject, spec, layout), window: layout.window };
  }

  /** `counter` without the pair (the hot path builds no object). */
  #counterIn(name: string, subject: string, spec: WindowSpec, layout: Layout): SpendCounter {
    let bySubject = this.#counters.get(name);
    if (!bySubject) this.#counters.set(name, (bySubject = new Map()));
    let c = bySubject.get(subject);
    if (!c) {
      c = new SpendCounter(layout);
      if (this.#shares) c.takeShare(this.#shares.replicas, this.#shares.renewsAtMs);
      bySubject.set(subject, c);
    } else if (c.layout.key !== layout.key) c.relayout(layout);
    if (spec.kind === 'rolling') c.evict(layout.window.startMs);
    return c;
  }

  #current(ref: BudgetRef, nowMs: number): SpendCounter {
    return this.#counterIn(ref.name, ref.subject, ref.window, currentLayout(ref.window, nowMs));
  }

  /** What `ref` has spent and holds now (`status` without the window; for per-call span attributes). */
  held(ref: BudgetRef): { spent: Amount; reserved: Amount } {
    return this.#current(ref, this.#now());
  }

  /** This replica's share of `ref` (`budgets.replicas` > 1): what is left of it and when it renews. */
  shareStatus(ref: BudgetRef): ShareStatus | undefined {
    const c = this.#current(ref, this.#now());
    const s = c.share;
    if (!s) return undefined;
    const out: ShareStatus = { replicas: s.replicas, renewsAtMs: s.renewsAtMs };
    if (ref.limitMicroUsd !== undefined) out.leftMicroUsd = Math.max(0, leftOfShare(c, s, ref.limitMicroUsd, true));
    if (ref.limitTokens !== undefined) out.leftTokens = Math.max(0, leftOfShare(c, s, ref.limitTokens, false));
    return out;
  }

  status(ref: BudgetRef, nowMs = this.#now()): BudgetStatus {
    const { counter, window } = this.counter(ref.name, ref.subject, ref.window, nowMs);
    return { spent: counter.spent, reserved: counter.reserved, window, resetAtMs: ref.window.kind === 'calendar' ? window.endMs : undefined };
  }

  /**
   * Holds `amount` against every budget in `refs`, or refuses naming each budget it does not
   * fit. The reservation keeps `refs` as given: callers pass arrays they never change.
   */
  reserve(refs: readonly BudgetRef[], amount: Amount, atMs?: number): ReserveResult {
    const nowMs = this.#now();
    const counters = new Array<SpendCounter>(refs.length);
    let fitsAll = true;
    for (let i = 0; i < refs.length; i++) {
      const c = (counters[i] = this.#current(refs[i], nowMs));
      if (!fitsRef(refs[i], c, amount)) fitsAll = false;
    }
    if (!fitsAll) return { ok: false, refusals: this.#refusals(refs, counters, amount, nowMs) };
    for (const c of counters) c.reserved = addAmounts(c.reserved, amount);
    this.#open++;
    return { ok: true, reservation: { id: this.#nextId++, refs, amount: { costMicroUsd: amount.costMicroUsd, tokens: amount.tokens }, atMs: atMs ?? nowMs, done: false } };
  }

  /** Grows an open reservation by `extra` if every budget still fits (streams without a cap). */
  extend(res: Reservation, extra: Amount): Refusal[] {
    if (res.done) throw new Error('extend after settle');
    const nowMs = this.#now();
    const counters = res.refs.map((r) => this.#current(r, nowMs));
    const refusals = this.#refusals(res.refs, counters, extra, nowMs);
    if (refusals.length > 0) return refusals;
    for (const counter of counters) counter.reserved = addAmounts(counter.reserved, extra);
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
    this.#open--;
    const nowMs = this.#now();
    const charges = actual.costMicroUsd !== 0 || actual.tokens !== 0;
    for (const ref of res.refs) {
      const layout = currentLayout(ref.window, nowMs);
      const counter = this.#counterIn(ref.name, ref.subject, ref.window, layout);
      counter.reserved = subAmounts(counter.reserved, res.amount);
      if (charges && inWindow(counter, layout.window, res.atMs)) counter.addOwn(res.atMs, actual);
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

  /**
   * Before the first good read of the store: counters made from now on start with a share
   * (of the headroom they know of, their own), so a replica that cannot read the store at
   * start does not spend the whole limit alone.
   */
  startShares(replicas: number, renewsAtMs: number): void {
    if (replicas > 1 && this.#shares === undefined) this.#shares = { replicas, renewsAtMs };
  }

  /**
   * After a store sync of budget `name`: each of its counters takes a fresh share of its
   * headroom, `1 / replicas` of it, until `renewsAtMs` (`replica-share.ts`). With one replica,
   * shares are dropped and only the limits apply.
   */
  renewShares(name: string, replicas: number, renewsAtMs: number): void {
    this.#shares = replicas > 1 ? { replicas, renewsAtMs } : undefined;
    const bySubject = this.#counters.get(name);
    if (!bySubject) return;
    for (const c of bySubject.values()) {
      if (replicas > 1) c.takeShare(replicas, renewsAtMs);
      else c.share = undefined;
    }
  }

  get openReservations(): number {
    return this.#open;
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
  #refusals(refs: readonly BudgetRef[], counters: readonly SpendCounter[], extra: Amount, nowMs: number): Refusal[] {
    const out: Refusal[] = [];
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i] as BudgetRef;
      const counter = counters[i] as SpendCounter;
      if (fitsRef(ref, counter, extra)) continue;
      const window = currentLayout(ref.window, nowMs).window;
      const before = out.length;
      if (ref.limitMicroUsd !== undefined && !fits(ref.limitMicroUsd, counter.spent.costMicroUsd, counter.reserved.costMicroUsd, extra.costMicroUsd)) {
        out.push(refusal(ref, 'usd', ref.limitMicroUsd, counter, window, extra, COST, nowMs));
      }
      if (ref.limitTokens !== undefined && !fits(ref.limitTokens, counter.spent.tokens, counter.reserved.tokens, extra.tokens)) {
        out.push(refusal(ref, 'tokens', ref.limitTokens, counter, window, extra, TOKENS, nowMs));
      }
      // Every limit has room: what refused is this replica's share of it.
      if (out.length === before && counter.share) out.push(shareRefusal(ref, counter, counter.share, extra, nowMs));
    }
    return out;
  }
}

/** Whether `extra` fits every limit of `ref` (each unit checked inline: this runs on every call). */
function fitsRef(ref: BudgetRef, counter: SpendCounter, extra: Amount): boolean {
  if (ref.limitMicroUsd !== undefined && !fits(ref.limitMicroUsd, counter.spent.costMicroUsd, counter.reserved.costMicroUsd, extra.costMicroUsd)) return false;
  if (ref.limitTokens !== undefined && !fits(ref.limitTokens, counter.spent.tokens, counter.reserved.tokens, extra.tokens)) return false;
  return counter.share === undefined || fitsShareOf(ref, counter, counter.share, extra);
}

/** What is left of `share` in the unit of `limit` (money, or tokens). */
function leftOfShare(counter: SpendCounter, share: ReplicaShare, limit: number, money: boolean): number {
  return money
    ? shareLeft(limit, share.known.costMicroUsd, share.base.costMicroUsd, counter.activityMicroUsd(), share.replicas)
    : shareLeft(limit, share.known.tokens, share.base.tokens, counter.activityTokens(), share.replicas);
}

/** Whether `extra` fits this replica's share of every limit of `ref`. */
function fitsShareOf(ref: BudgetRef, counter: SpendCounter, share: ReplicaShare, extra: Amount): boolean {
  if (ref.limitMicroUsd !== undefined && !fitsShare(extra.costMicroUsd, leftOfShare(counter, share, ref.limitMicroUsd, true))) return false;
  return ref.limitTokens === undefined || fitsShare(extra.tokens, leftOfShare(counter, share, ref.limitTokens, false));
}

/** The refusal of a call every limit of `ref` has room for but this replica's share does not. */
function shareRefusal(ref: BudgetRef, counter: SpendCounter, share: ReplicaShare, extra: Amount, nowMs: number): Refusal {
  const money = ref.limitMicroUsd !== undefined && !fitsShare(extra.costMicroUsd, leftOfShare(counter, share, ref.limitMicroUsd, true));
  const unit: Refusal['unit'] = money ? 'usd' : 'tokens';
  const pick = money ? COST : TOKENS;
  const limit = (money ? ref.limitMicroUsd : ref.limitTokens) as number;
  const left = leftOfShare(counter, share, limit, money);
  const { replicas } = share;
  // The share renews at the next sync; if that is overdue (the store is down), retry soon.
  const fitsAtMs = Math.max(share.renewsAtMs, nowMs + RETRY_FOR_INFLIGHT_MS);
  return { ref, unit, limit, spent: pick(counter.spent), reserved: pick(counter.reserved), needed: pick(extra), fitsAtMs, replicaShare: { replicas, left: Math.max(0, left) } };
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
