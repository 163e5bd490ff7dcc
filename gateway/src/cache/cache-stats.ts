/** Counters of one cache (across config reloads), for `stats()`, logs and benches. */
export interface CacheStats {
  /** Requests the cache took part in (read and/or write allowed). */
  requests: number;
  hits: number;
  misses: number;
  /** Requests allowed to store but not to read (refresh, `no-cache`). */
  bypassed: number;
  hitsByKind: { exact: number; semantic: number };
  hitsByTier: { memory: number; clickhouse: number };
  /** Answers stored (hot tier and/or a queued store write). */
  stored: number;
  /** Answers not stored: not finished normally, failed, too large. */
  notCacheable: number;
  storeWrites: number;
  storeWriteFailures: number;
  /** Writes not attempted: too many pending, or the store is being skipped after a failure. */
  storeWritesDropped: number;
  storeLookupErrors: number;
  storeLookupTimeouts: number;
  /** Lookups that did not ask the store because it failed recently. */
  storeLookupsSkipped: number;
  /** Entries that could not be read back (dropped and hidden in the store). */
  corruptDropped: number;
  embeddingFailures: number;
  evictedForSize: number;
  evictedExpired: number;
  hotEntries: number;
  hotBytes: number;
  /** Sum of `sluice.cache.saved` over priced hits. */
  savedMicroUsd: number;
}

export function emptyStats(): CacheStats {
  return {
    requests: 0, hits: 0, misses: 0, bypassed: 0,
    hitsByKind: { exact: 0, semantic: 0 },
    hitsByTier: { memory: 0, clickhouse: 0 },
    stored: 0, notCacheable: 0,
    storeWrites: 0, storeWriteFailures: 0, storeWritesDropped: 0,
    storeLookupErrors: 0, storeLookupTimeouts: 0, storeLookupsSkipped: 0,
    corruptDropped: 0, embeddingFailures: 0,
    evictedForSize: 0, evictedExpired: 0,
    hotEntries: 0, hotBytes: 0,
    savedMicroUsd: 0,
  };
}
