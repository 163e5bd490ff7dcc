import type { ReplicaShare } from './replica-share.js';

/** Money and tokens together: what a call costs, what a budget has spent. */
export interface Amount {
  costMicroUsd: number;
  tokens: number;
}

export const ZERO_AMOUNT: Readonly<Amount> = Object.freeze({ costMicroUsd: 0, tokens: 0 });

export const addAmounts = (a: Amount, b: Amount): Amount => ({ costMicroUsd: a.costMicroUsd + b.costMicroUsd, tokens: a.tokens + b.tokens });
export const subAmounts = (a: Amount, b: Amount): Amount => ({ costMicroUsd: a.costMicroUsd - b.costMicroUsd, tokens: a.tokens - b.tokens });
const maxAmount = (a: Amount, b: Amount): Amount => ({ costMicroUsd: Math.max(a.costMicroUsd, b.costMicroUsd), tokens: Math.max(a.tokens, b.tokens) });

/** How a window is cut into buckets: `originMs + k·bucketMs`. */
export interface BucketLayout {
  originMs: number;
  bucketMs: number;
  /** Changes when the buckets mean something else (a new calendar window, a new bucket size). */
  key: string;
}

/**
 * Spend of one budget for one subject (agent, team, key), in time buckets, from two sources:
 * `own` — what this process charged (plus, after a restart, what the store held at load) —
 * and `store` — the latest totals read from the shared store (every replica's flushed spans).
 * A bucket counts max(store, own): own charges not yet flushed are never lost, and other
 * replicas' charges appear once they reach the store. `total` is kept incrementally so a
 * reservation check is O(1).
 */
export class SpendCounter {
  readonly #own = new Map<number, Amount>();
  readonly #store = new Map<number, Amount>();
  #total: Amount = ZERO_AMOUNT;
  #minBucketMs = Number.POSITIVE_INFINITY;
  #layout: BucketLayout;
  /** Sum of open reservations (never part of a bucket until settled). */
  reserved: Amount = ZERO_AMOUNT;
  /** Everything `addOwn` ever charged here (never evicted: a replica share measures from it). */
  #chargedMicroUsd = 0;
  #chargedTokens = 0;
  /** This replica's share of the headroom until the next store sync (several replicas only). */
  share: ReplicaShare | undefined;

  constructor(layout: BucketLayout) {
    this.#layout = layout;
  }

  get layout(): BucketLayout {
    return this.#layout;
  }

  /** Spend in the buckets currently held (call `evict` first for rolling windows). */
  get spent(): Amount {
    return this.#total;
  }

  /** Switches to a new layout, dropping all buckets (open reservations stay). */
  relayout(layout: BucketLayout): void {
    this.#layout = layout;
    this.#own.clear();
    this.#store.clear();
    this.#total = ZERO_AMOUNT;
    this.#minBucketMs = Number.POSITIVE_INFINITY;
    // A new window: a fresh share of its headroom (what was spent before the turn is not in it).
    const share = this.share;
    if (share) {
      this.share = undefined;
      this.takeShare(share.replicas, share.renewsAtMs);
    }
  }

  bucketOf(ms: number): number {
    const { originMs, bucketMs } = this.#layout;
    return originMs + Math.floor((ms - originMs) / bucketMs) * bucketMs;
  }

  #contribution(bucket: number): Amount {
    return maxAmount(this.#own.get(bucket) ?? ZERO_AMOUNT, this.#store.get(bucket) ?? ZERO_AMOUNT);
  }

  #update(bucket: number, change: () => void): void {
    const before = this.#contribution(bucket);
    change();
    this.#total = addAmounts(this.#total, subAmounts(this.#contribution(bucket), before));
    if (bucket < this.#minBucketMs) this.#minBucketMs = bucket;
  }

  /** Adds a charge made by this process at `atMs` (on every settled call: no closure, two objects). */
  addOwn(atMs: number, amount: Amount): void {
    const b = this.bucketOf(atMs);
    const before = this.#own.get(b) ?? ZERO_AMOUNT;
    const after = addAmounts(before, amount);
    this.#own.set(b, after);
    // The bucket counts max(store, own) per unit: the total moves by how much that max moved.
    const store = this.#store.get(b) ?? ZERO_AMOUNT;
    const total = this.#total;
    this.#total = {
      costMicroUsd: total.costMicroUsd + (Math.max(after.costMicroUsd, store.costMicroUsd) - Math.max(before.costMicroUsd, store.costMicroUsd)),
      tokens: total.tokens + (Math.max(after.tokens, store.tokens) - Math.max(before.tokens, store.tokens)),
    };
    if (b < this.#minBucketMs) this.#minBucketMs = b;
    this.#chargedMicroUsd += amount.costMicroUsd;
    this.#chargedTokens += amount.tokens;
  }

  /** Own charges ever made here plus open reservations, in micro-USD (what a share limits). */
  activityMicroUsd(): number {
    return this.#chargedMicroUsd + this.reserved.costMicroUsd;
  }

  activityTokens(): number {
    return this.#chargedTokens + this.reserved.tokens;
  }

  /**
   * Takes a new share of the headroom: from now on, own activity is measured against it. The
   * other replicas' spend that has not reached the store yet is taken to be what this replica
   * spent since its last share, each (symmetric load); if they spent less, the next share is larger.
   */
  takeShare(replicas: number, renewsAtMs: number): void {
    const base = { costMicroUsd: this.activityMicroUsd(), tokens: this.activityTokens() };
    const prev = this.share?.base ?? base;
    // The others' spend the store does not show yet: as much as this replica's own since its last share.
    const unseen = { costMicroUsd: (replicas - 1) * Math.max(0, base.costMicroUsd - prev.costMicroUsd), tokens: (replicas - 1) * Math.max(0, base.tokens - prev.tokens) };
    this.share = { base, known: addAmounts(addAmounts(this.#total, this.reserved), unseen), replicas, renewsAtMs };
  }

  /** Replaces the store's total for one bucket; `inherit` also counts it as own (load after a restart). */
  setStore(bucketStartMs: number, amount: Amount, inherit: boolean): void {
    const b = this.bucketOf(bucketStartMs);
    this.#update(b, () => {
      this.#store.set(b, amount);
      if (inherit) this.#own.set(b, maxAmount(this.#own.get(b) ?? ZERO_AMOUNT, amount));
    });
  }

  /** Store buckets from `fromMs` on that a fresh read did not return: they are empty now. */
  clearStoreFrom(fromMs: number, keep: ReadonlySet<number>): void {
    for (const b of [...this.#store.keys()]) {
      if (b >= fromMs && !keep.has(b)) this.#update(b, () => this.#store.delete(b));
    }
  }

  /** Drops buckets wholly before `windowStartMs` (rolling windows slide past them). */
  evict(windowStartMs: number): void {
    const { bucketMs } = this.#layout;
    if (this.#minBucketMs + bucketMs > windowStartMs) return;
    let min = Number.POSITIVE_INFINITY;
    for (const b of new Set([...this.#own.keys(), ...this.#store.keys()])) {
      if (b + bucketMs <= windowStartMs) {
        this.#update(b, () => {
          this.#own.delete(b);
          this.#store.delete(b);
        });
      } else if (b < min) min = b;
    }
    this.#minBucketMs = min;
  }

  /** Bucket starts and their counted spend, oldest first (for reset-time estimates). */
  buckets(): Array<[number, Amount]> {
    const keys = [...new Set([...this.#own.keys(), ...this.#store.keys()])].sort((a, b) => a - b);
    return keys.map((k) => [k, this.#contribution(k)]);
  }

  /** Spend this process charged (own, including inherited), for the bench and tests. */
  ownTotal(): Amount {
    let t: Amount = ZERO_AMOUNT;
    for (const a of this.#own.values()) t = addAmounts(t, a);
    return t;
  }
}
