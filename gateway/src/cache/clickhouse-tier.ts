import type { SpanStore } from '../../../collector/src/index.js';
import { type CachedAnswer, parseStoredAnswer } from './cached-answer.js';
import { type CacheDdlContext, cacheTableDdl, legacyVectorTableOf, vectorTableDdl, vectorTableOf, vectorUpgradeSql } from './cache-ddl.js';

/** A cache entry as the shared store holds it. */
export interface StoredEntry {
  key: string;
  tenant: string;
  route: string;
  template: string;
  /** Semantic scope hash, '' for exact-only entries. */
  scope: string;
  answer: CachedAnswer;
  createdAtMs: number;
  expiresAtMs: number;
  /** Set when storing; lookups leave it out (see `vectorOf`). */
  vector?: Float32Array;
}

/** What a lookup reads of an entry: what serving and promoting it need (no route, template or vector). */
export type FoundEntry = Omit<StoredEntry, 'route' | 'template' | 'vector'>;

/** The newest row of a key: live, gone (expired or dropped), or unreadable. */
export type StoredLookup = { kind: 'live'; entry: FoundEntry } | { kind: 'gone' } | { kind: 'corrupt' };

interface Row {
  key: string;
  scope: string;
  answer: string;
  created_ms: string | number;
  expires_ms: string | number;
}

/** `DateTime64(3, 'UTC')` text for JSONEachRow. */
const chTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/**
 * Settings of every vector search. `use_query_condition_cache = 0`: on chDB 26.7 a
 * post-filtered vector search records granules as not matching its WHERE in the query
 * condition cache, and later queries with the same WHERE silently lose rows (reproduced
 * here; fixed upstream by ClickHouse PR #112086). `vector_search_index_fetch_multiplier`:
 * candidates fetched from each index per result, before the scope filter applies.
 */
const VECTOR_SEARCH_SETTINGS = 'use_query_condition_cache = 0, vector_search_index_fetch_multiplier = 20';

/**
 * The search of `nearest` (parameters `v`, `scope`, `tenant`, `now`): exact over the scope's
 * granules, or through the HNSW index in parts the primary key cannot narrow (see
 * `vectorTableDdl`). The vector is a query parameter: its text is parsed once as
 * Array(Float32), which costs ~0.2 ms per search at 256 dims (a hex-encoded binary form
 * saves about that; not worth tying the wire format to the server's byte order).
 */
export function nearestSql(ddl: CacheDdlContext, dims: number, limit: number): string {
  return `SELECT key, cosineDistance(embedding, {v:Array(Float32)}) AS distance
         FROM \`${ddl.database}\`.\`${vectorTableOf(ddl, dims)}\`
        WHERE scope = {scope:String} AND tenant = {tenant:String} AND expires_at > fromUnixTimestamp64Milli({now:Int64}, 'UTC')
        ORDER BY distance LIMIT ${Math.max(1, Math.floor(limit))}
        SETTINGS ${VECTOR_SEARCH_SETTINGS}`;
}

/** The newest row (by `created_ms`) of each key; the first seen wins a tie, as either may. */
function newestPerKey(rows: readonly Row[]): Row[] {
  const newest = new Map<string, Row>();
  for (const r of rows) {
    const seen = newest.get(r.key);
    if (seen === undefined || Number(r.created_ms) > Number(seen.created_ms)) newest.set(r.key, r);
  }
  return [...newest.values()];
}

/**
 * The shared, durable tier in ClickHouse (chDB embedded or a server): survives restarts,
 * shared by replicas. Creates its tables on first use. Errors propagate: the caller bounds
 * every call in time and turns failures into misses.
 */
export class ClickHouseTier {
  private readonly ddl: CacheDdlContext;
  private ready: Promise<void> | undefined;
  private readonly vectorTables = new Map<number, Promise<void>>();
  private upgrade: Promise<void> = Promise.resolve();

  constructor(private readonly store: SpanStore, table: string) {
    this.ddl = { database: store.info.database, table, cluster: store.info.cluster };
  }

  /** Creates the table (once; retried after a failure). */
  ensure(): Promise<void> {
    this.ready ??= this.store.command(`CREATE DATABASE IF NOT EXISTS \`${this.ddl.database}\``)
      .then(() => this.store.command(cacheTableDdl(this.ddl)))
      .catch((err: unknown) => {
        this.ready = undefined;
        throw err;
      });
    return this.ready;
  }

  /** Settles when the copy of v1 vector rows (if this tier started one) has ended; best effort, a failure leaves it partial. */
  get upgraded(): Promise<void> {
    return this.upgrade;
  }

  private ensureVectors(dims: number): Promise<void> {
    let p = this.vectorTables.get(dims);
    if (!p) {
      p = this.ensure().then(() => this.createVectors(dims));
      p.catch(() => this.vectorTables.delete(dims));
      this.vectorTables.set(dims, p);
    }
    return p;
  }

  /**
   * Creates the vector table. A store upgraded from the v1 layout (`legacyVectorTableOf`)
   * gets its v1 rows copied in the background: searches go on meanwhile and may miss what
   * is not copied yet, never return a wrong answer (every candidate is checked against
   * `llm_cache`). Two replicas upgrading at once may both copy: duplicate vector rows,
   * harmless for the same reason.
   */
  private async createVectors(dims: number): Promise<void> {
    const exists = async (name: string) => {
      const [row] = await this.store.query<{ result: number | string }>(`EXISTS TABLE \`${this.ddl.database}\`.\`${name}\``);
      return Number(row?.result) === 1;
    };
    const created = !(await exists(vectorTableOf(this.ddl, dims)));
    await this.store.command(vectorTableDdl(this.ddl, dims));
    if (created && (await exists(legacyVectorTableOf(this.ddl, dims)))) {
      this.upgrade = this.store.command(vectorUpgradeSql(this.ddl, dims)).catch(() => {});
    }
  }

  /**
   * The newest rows of `keys` owned by `tenant`. One thread (`max_threads = 1`): a point
   * read of a granule or two per part, where more threads only add scheduling (~25% more
   * CPU in chDB, measured). The newest row per key is picked here, not with `ORDER BY …
   * LIMIT 1 BY key`: the rows are a handful (a key's versions, one per part at most), and
   * the sort and limit steps cost ~1 ms of pipeline in chDB, a third of the lookup.
   */
  async get(tenant: string, keys: readonly string[], nowMs: number): Promise<Map<string, StoredLookup>> {
    await this.ensure();
    const rows = await this.store.query<Row>(
      `SELECT key, scope, answer, toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(expires_at) AS expires_ms
         FROM \`${this.ddl.database}\`.\`${this.ddl.table}\`
        WHERE tenant = {tenant:String} AND key IN {keys:Array(String)}
        SETTINGS max_threads = 1`,
      { tenant, keys },
    );
    const out = new Map<string, StoredLookup>();
    for (const r of newestPerKey(rows)) {
      const expiresAtMs = Number(r.expires_ms);
      if (!(expiresAtMs > nowMs)) {
        out.set(r.key, { kind: 'gone' });
        continue;
      }
      const answer = parseStoredAnswer(r.answer);
      if (!answer) {
        out.set(r.key, { kind: 'corrupt' });
        continue;
      }
      out.set(r.key, {
        kind: 'live',
        entry: { key: r.key, tenant, scope: r.scope, answer, createdAtMs: Number(r.created_ms), expiresAtMs },
      });
    }
    return out;
  }

  /**
   * The stored vector of a key (its newest row), for copying a semantic entry into the hot
   * tier. Not part of lookups: 256 floats as text double the time of an exact lookup.
   */
  async vectorOf(tenant: string, key: string): Promise<Float32Array | undefined> {
    const rows = await this.store.query<{ embedding: number[] }>(
      `SELECT embedding FROM \`${this.ddl.database}\`.\`${this.ddl.table}\`
        WHERE tenant = {tenant:String} AND key = {key:String} ORDER BY created_at DESC LIMIT 1`,
      { tenant, key },
    );
    const v = rows[0]?.embedding;
    return Array.isArray(v) && v.length > 0 ? Float32Array.from(v) : undefined;
  }

  /** The keys of the `limit` nearest live vectors of `scope` (tenant-checked), most similar first. */
  async nearest(scope: string, tenant: string, vector: Float32Array, nowMs: number, limit: number): Promise<Array<{ key: string; similarity: number }>> {
    await this.ensureVectors(vector.length);
    const rows = await this.store.query<{ key: string; distance: number }>(nearestSql(this.ddl, vector.length, limit), { v: Array.from(vector), scope, tenant, now: nowMs });
    return rows.map((r) => ({ key: r.key, similarity: 1 - Number(r.distance) }));
  }

  /** Stores an entry (and its vector, for semantic entries). */
  put(e: StoredEntry, answerJson: string): Promise<void> {
    return this.putMany([{ entry: e, answerJson }]);
  }

  /** Stores entries in one insert per table (bulk loads, benches). */
  async putMany(items: ReadonlyArray<{ entry: StoredEntry; answerJson: string }>): Promise<void> {
    await this.ensure();
    const rows: string[] = [];
    const vectors = new Map<number, string[]>();
    for (const { entry: e, answerJson } of items) {
      const u = e.answer.usage;
      const embedding = e.vector ? Array.from(e.vector) : [];
      const created = chTime(e.createdAtMs);
      const expires = chTime(e.expiresAtMs);
      rows.push(JSON.stringify({
        key: e.key, tenant: e.tenant, route: e.route, template: e.template, scope: e.scope, answer: answerJson,
        input_tokens: u.inputTokens, output_tokens: u.outputTokens, cached_input_tokens: u.cachedInputTokens,
        served_by: e.answer.servedBy ?? '', created_at: created, expires_at: expires, embedding,
      }));
      if (e.vector && e.scope !== '') {
        const list = vectors.get(e.vector.length) ?? [];
        list.push(JSON.stringify({ scope: e.scope, key: e.key, tenant: e.tenant, created_at: created, expires_at: expires, embedding }));
        vectors.set(e.vector.length, list);
      }
    }
    await this.store.insertJsonEachRow(this.ddl.table, rows.join('\n'));
    for (const [dims, list] of vectors) {
      await this.ensureVectors(dims);
      await this.store.insertJsonEachRow(vectorTableOf(this.ddl, dims), list.join('\n'));
    }
  }

  /** Hides a key from now on: a newer row that has already expired (corrupted entries). */
  async drop(tenant: string, key: string, nowMs: number): Promise<void> {
    await this.ensure();
    const row = { key, tenant, route: '', template: '', scope: '', answer: '', input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, served_by: '', created_at: chTime(nowMs), expires_at: chTime(nowMs), embedding: [] };
    await this.store.insertJsonEachRow(this.ddl.table, JSON.stringify(row));
  }
}
