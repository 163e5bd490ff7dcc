import { hash } from 'node:crypto';

interface Entry<T> {
  value: T;
  /** The config section the value was derived under; a reload makes the entry stale. */
  owner: object;
  validUntilMs: number;
}

/** Cache key for a bearer token: its SHA-256, so the cache never holds usable tokens. */
export function tokenCacheKey(token: string): string {
  return hash('sha256', token, 'base64');
}

/**
 * A bounded LRU of verified tokens. Entries expire at their own deadline (the token's `exp`
 * or a short TTL, whichever is first) and are ignored once the config they were derived
 * under has been replaced, so a reload (issuer removed, claim mapping changed) applies at once.
 */
export class TokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, owner: object, nowMs: number): T | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.owner !== owner || nowMs >= e.validUntilMs) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  set(key: string, owner: object, value: T, validUntilMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, owner, validUntilMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
