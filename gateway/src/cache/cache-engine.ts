import type { Logger } from 'pino';
import type { SpanStore } from '../../../collector/src/index.js';
import type { CacheSection } from '../config/sections/cache.js';
import { within } from './bounded.js';
import type { CachedAnswer } from './cached-answer.js';
import { emptyStats, type CacheStats } from './cache-stats.js';
import { ClickHouseTier, type FoundEntry, type StoredEntry } from './clickhouse-tier.js';
import { HotTier, entrySizeBytes } from './hot-tier.js';

export type CacheTier = 'memory' | 'clickhouse';

/** An answer found in the cache, and where. */
export interface CacheHit {
  answer: CachedAnswer;
  kind: 'exact' | 'semantic';
  tier: CacheTier;
  similarity?: number;
}

/** Something that degraded a lookup to a miss (becomes a span event). */
export type Degradation = 'store_timeout' | 'store_error' | 'store_skipped' | 'corrupt_entry';
export type Note = (what: Degradation) => void;

/** Candidates fetched per semantic store search (the nearest may have an unreadable answer). */
const SEMANTIC_CANDIDATES = 3;

export interface EngineDeps {
  now: () => number;
  logger: Logger;
  /** The shared store, or a getter (the gateway's store opens after the features are built). */
  store?: SpanStore | (() => SpanStore | undefined);
}

/**
 * The cache's long-lived state, kept across config reloads: the hot tier, the store tier,
 * the pending store writes and the counters. Every store call is bounded in time and any
 * failure is a miss (counted, noted); after a failure the store is skipped for a while.
 */
export class CacheEngine {
  readonly stats: CacheStats = emptyStats();
  readonly hot: HotTier;
  private tier: { store: SpanStore; table: string; tier: ClickHouseTier } | undefined;
  private skipStoreUntilMs = 0;
  private pending = new Set<Promise<void>>();
  private writeFailing = false;

  constructor(private readonly deps: EngineDeps) {
    this.hot = new HotTier(64 * 1024 * 1024, (reason) => {
      if (reason === 'size') this.stats.evictedForSize++;
      else this.stats.evictedExpired++;
    });
  }

  /** The store tier for this config, or undefined when disabled, absent, or skipped after a failure. */
  private storeTier(section: CacheSection, nowMs: number, note?: Note): ClickHouseTier | undefined {
    if (!section.store.enabled) return undefined;
    const store = typeof this.deps.store === 'function' ? this.deps.store() : this.deps.store;
    if (!store) return undefined;
    if (nowMs < this.skipStoreUntilMs) {
      if (note) {
        this.stats.storeLookupsSkipped++;
        note('store_skipped');
      }
      return undefined;
    }
    if (!this.tier || this.tier.store !== store || this.tier.table !== section.store.table) {
      this.tier = { store, table: section.store.table, tier: new ClickHouseTier(store, section.store.table) };
    }
    return this.tier.tier;
  }

  private storeFailed(section: CacheSection, nowMs: number, reason: 'timeout' | 'error', err: unknown, note: Note): void {
    if (reason === 'timeout') this.stats.storeLookupTimeouts++;
    else this.stats.storeLookupErrors++;
    note(reason === 'timeout' ? 'store_timeout' : 'store_error');
    if (nowMs >= this.skipStoreUntilMs) this.deps.logger.warn({ err, reason }, `cache store ${reason === 'timeout' ? 'too slow' : 'failed'}; lookups skip it for ${section.store.retryAfterMs} ms`);
    this.skipStoreUntilMs = nowMs + section.store.retryAfterMs;
  }

  private dropCorrupt(tier: ClickHouseTier, tenant: string, key: string, nowMs: number, note: Note): void {
    this.stats.corruptDropped++;
    note('corrupt_entry');
    this.track(tier.drop(tenant, key, nowMs).catch((err: unknown) => this.deps.logger.warn({ err }, 'cache could not hide a corrupted entry')));
  }

  /**
   * Copies a store hit into the hot tier: at once for exact hits, and — for a semantic
   * entry — again with its vector once fetched in the background (off the lookup path),
   * so this replica's memory serves its paraphrases too.
   */
  private promote(section: CacheSection, tier: ClickHouseTier, e: FoundEntry): void {
    if (!section.hot.enabled) return;
    const json = JSON.stringify(e.answer);
    const put = (vector: Float32Array | undefined) =>
      this.hot.put({ key: e.key, tenant: e.tenant, scope: vector && e.scope ? e.scope : undefined, vector, answer: e.answer, sizeBytes: entrySizeBytes(json, vector), createdAtMs: e.createdAtMs, expiresAtMs: e.expiresAtMs }, this.deps.now());
    put(undefined);
    if (e.scope === '') return;
    this.track(tier.vectorOf(e.tenant, e.key).then(
      (v) => {
        if (v && this.hot.getExact(e.key, e.tenant, this.deps.now())?.createdAtMs === e.createdAtMs) put(v);
      },
      () => {},
    ));
  }

  /** Exact lookup: the hot tier, then the store (bounded). */
  async exact(section: CacheSection, tenant: string, key: string, note: Note): Promise<CacheHit | undefined> {
    const nowMs = this.deps.now();
    this.hot.maxBytes = section.hot.maxBytes;
    if (section.hot.enabled) {
      const e = this.hot.getExact(key, tenant, nowMs);
      if (e) return { answer: e.answer, kind: 'exact', tier: 'memory' };
    }
    const tier = this.storeTier(section, nowMs, note);
    if (!tier) return undefined;
    const r = await within(tier.get(tenant, [key], nowMs), section.lookupTimeoutMs);
    if (!r.ok) return void this.storeFailed(section, nowMs, r.reason, r.error, note);
    const found = r.value.get(key);
    if (found?.kind === 'corrupt') this.dropCorrupt(tier, tenant, key, nowMs, note);
    if (found?.kind !== 'live') return undefined;
    this.promote(section, tier, found.entry);
    return { answer: found.entry.answer, kind: 'exact', tier: 'clickhouse' };
  }

  /** Semantic lookup at `threshold`: the hot tier's scope, then the store's vector table (one query, bounded). */
  async semantic(section: CacheSection, tenant: string, scope: string, vector: Float32Array, threshold: number, note: Note): Promise<CacheHit | undefined> {
    const nowMs = this.deps.now();
    if (section.hot.enabled) {
      const n = this.hot.nearest(scope, tenant, vector, nowMs);
      if (n && n.similarity >= threshold) return { answer: n.entry.answer, kind: 'semantic', tier: 'memory', similarity: n.similarity };
    }
    const tier = this.storeTier(section, nowMs, note);
    if (!tier) return undefined;
    const search = async () => {
      for (const c of await tier.nearest(scope, tenant, vector, nowMs, SEMANTIC_CANDIDATES, threshold)) {
        if (c.found.kind === 'live') return { entry: c.found.entry, similarity: c.similarity };
        this.dropCorrupt(tier, tenant, c.key, nowMs, note);
      }
      return undefined;
    };
    const r = await within(search(), section.lookupTimeoutMs);
    if (!r.ok) return void this.storeFailed(section, nowMs, r.reason, r.error, note);
    if (!r.value) return undefined;
    this.promote(section, tier, r.value.entry);
    return { answer: r.value.entry.answer, kind: 'semantic', tier: 'clickhouse', similarity: r.value.similarity };
  }

  /** Stores an answer: in the hot tier now, in the store in the background (bounded queue). */
  save(section: CacheSection, e: StoredEntry): void {
    const json = JSON.stringify(e.answer);
    this.stats.stored++;
    if (section.hot.enabled) {
      this.hot.maxBytes = section.hot.maxBytes;
      this.hot.put({ key: e.key, tenant: e.tenant, scope: e.scope || undefined, vector: e.vector, answer: e.answer, sizeBytes: entrySizeBytes(json, e.vector), createdAtMs: e.createdAtMs, expiresAtMs: e.expiresAtMs }, this.deps.now());
    }
    const tier = this.storeTier(section, this.deps.now());
    if (!tier) {
      if (section.store.enabled && this.deps.store !== undefined) this.stats.storeWritesDropped++;
      return;
    }
    if (this.pending.size >= section.store.maxPendingWrites) {
      this.stats.storeWritesDropped++;
      return;
    }
    this.track(tier.put(e, json).then(
      () => {
        this.stats.storeWrites++;
        this.writeFailing = false;
      },
      (err: unknown) => {
        this.stats.storeWriteFailures++;
        if (!this.writeFailing) this.deps.logger.warn({ err }, 'cache store write failed (counted in storeWriteFailures)');
        this.writeFailing = true;
      },
    ));
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when every pending store write has finished, or after `timeoutMs`. */
  async flush(timeoutMs: number): Promise<boolean> {
    const r = await within(Promise.all([...this.pending]), timeoutMs);
    return r.ok;
  }

  snapshot(): CacheStats {
    return { ...this.stats, hitsByKind: { ...this.stats.hitsByKind }, hitsByTier: { ...this.stats.hitsByTier }, hotEntries: this.hot.entries, hotBytes: this.hot.sizeBytes };
  }
}
