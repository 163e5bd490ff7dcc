import type { CachedAnswer } from './cached-answer.js';
import { VectorSet } from './vector-set.js';

/** One cached answer in memory. */
export interface HotEntry {
  key: string;
  tenant: string;
  /** Semantic scope hash, with `vector`, when the entry takes part in the semantic cache. */
  scope?: string;
  vector?: Float32Array;
  answer: CachedAnswer;
  /** Approximate memory held (JSON text as UTF-16, the vector, bookkeeping). */
  sizeBytes: number;
  createdAtMs: number;
  expiresAtMs: number;
}

const ENTRY_OVERHEAD_BYTES = 256;
/** Expired entries looked at (oldest first) on each insert: bounded work, steady cleanup. */
const SWEEP_PER_PUT = 4;

/** The memory an entry holds, approximately. */
export function entrySizeBytes(answerJson: string, vector: Float32Array | undefined): number {
  return answerJson.length * 2 + (vector?.byteLength ?? 0) + ENTRY_OVERHEAD_BYTES;
}

/**
 * The in-memory hot tier: exact entries by key in LRU order (a Map's insertion order,
 * re-inserted on each hit), evicted least-recently-used first once `maxBytes` is passed,
 * plus one vector set per semantic scope over the same entries.
 */
export class HotTier {
  private readonly byKey = new Map<string, HotEntry>();
  private readonly scopes = new Map<string, VectorSet>();
  private bytes = 0;

  /** Budget of the tier; a config reload may change it (applied on the next insert). */
  maxBytes: number;

  constructor(maxBytes: number, private readonly onEvict: (reason: 'size' | 'expired') => void = () => {}) {
    this.maxBytes = maxBytes;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  get entries(): number {
    return this.byKey.size;
  }

  /** The live entry under `key` for `tenant` (a hit refreshes its LRU position). */
  getExact(key: string, tenant: string, nowMs: number): HotEntry | undefined {
    const e = this.byKey.get(key);
    if (!e || e.tenant !== tenant) return undefined;
    if (e.expiresAtMs <= nowMs) {
      this.remove(e, 'expired');
      return undefined;
    }
    this.byKey.delete(key);
    this.byKey.set(key, e);
    return e;
  }

  /** The most similar live entry of `scope` owned by `tenant`, with its similarity. */
  nearest(scope: string, tenant: string, vector: Float32Array, nowMs: number): { entry: HotEntry; similarity: number } | undefined {
    const set = this.scopes.get(scope);
    if (!set || set.dims !== vector.length) return undefined;
    const expired: HotEntry[] = [];
    const hit = set.nearest(vector, (id) => {
      const e = this.byKey.get(id);
      if (!e || e.tenant !== tenant) return true;
      if (e.expiresAtMs <= nowMs) {
        expired.push(e);
        return true;
      }
      return false;
    });
    for (const e of expired) this.remove(e, 'expired');
    if (!hit) return undefined;
    const entry = this.byKey.get(hit.id);
    if (!entry) return undefined;
    this.byKey.delete(entry.key);
    this.byKey.set(entry.key, entry);
    return { entry, similarity: hit.similarity };
  }

  /** Adds or replaces an entry, then evicts (LRU) until the tier fits its budget again. */
  put(entry: HotEntry, nowMs: number): void {
    if (entry.sizeBytes > this.maxBytes) return;
    const old = this.byKey.get(entry.key);
    if (old) this.remove(old, undefined);
    this.byKey.set(entry.key, entry);
    this.bytes += entry.sizeBytes;
    if (entry.scope !== undefined && entry.vector !== undefined) {
      let set = this.scopes.get(entry.scope);
      if (!set || set.dims !== entry.vector.length) {
        set = new VectorSet(entry.vector.length);
        this.scopes.set(entry.scope, set);
      }
      set.set(entry.key, entry.vector);
    }
    let looked = 0;
    for (const e of this.byKey.values()) {
      if (looked++ >= SWEEP_PER_PUT) break;
      if (e.expiresAtMs <= nowMs) this.remove(e, 'expired');
    }
    while (this.bytes > this.maxBytes) {
      const lru = this.byKey.values().next().value;
      if (!lru) break;
      this.remove(lru, 'size');
    }
  }

  delete(key: string): void {
    const e = this.byKey.get(key);
    if (e) this.remove(e, undefined);
  }

  clear(): void {
    this.byKey.clear();
    this.scopes.clear();
    this.bytes = 0;
  }

  private remove(e: HotEntry, reason: 'size' | 'expired' | undefined): void {
    if (this.byKey.get(e.key) !== e) return;
    this.byKey.delete(e.key);
    this.bytes -= e.sizeBytes;
    if (e.scope !== undefined) {
      const set = this.scopes.get(e.scope);
      if (set) {
        set.delete(e.key);
        if (set.size === 0) this.scopes.delete(e.scope);
      }
    }
    if (reason) this.onEvict(reason);
  }
}
