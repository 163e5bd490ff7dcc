import { performance } from 'node:perf_hooks';
import type { SpanStore } from '../../../collector/src/index.js';
import { type CachedAnswer, parseStoredAnswer } from './cached-answer.js';
import { type CacheDdlContext, cacheTableDdl, vectorFillSql, vectorTableDdl, vectorTableOf, vectorTablesPrefixOf } from './cache-ddl.js';
import { type KeyVersion, type SupersedingWrite, supersededVersions } from './superseded-versions.js';

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

/** A semantic candidate: a live entry of the scope (its answer, unless unreadable) and its similarity. */
export interface NearEntry {
  key: string;
  similarity: number;
  found: Exclude<StoredLookup, { kind: 'gone' }>;
}

interface Row {
  key: string;
  scope: string;
  answer: string;
  created_ms: string | number;
  expires_ms: string | number;
}

/** A version of a key in `llm_cache`, as `hiding` reads it. */
interface VersionRow {
  tenant: string;
  key: string;
  scope: string;
  embedding: number[];
  created_ms: string | number;
  expires_ms: string | number;
}

interface NearRow {
  key: string;
  answer: string;
  created_ms: string | number;
  expires_ms: string | number;
  distance: number;
}

/** How long a tier takes the store to have no vector table once it found none (`hasVectorTables`). */
const NO_VECTOR_TABLES_RECHECK_MS = 10_000;

/** `DateTime64(3, 'UTC')` text for JSONEachRow. */
const chTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/**
 * Settings of every vector search. `use_query_condition_cache = 0`: on chDB 26.7 a
 * post-filtered vector search records granules as not matching its WHERE in the query
 * condition cache, and later queries with the same WHERE silently lose rows (reproduced
 * here; fixed upstream by ClickHouse PR #112086). `vector_search_index_fetch_multiplier`:
 * candidates fetched from each index per result, before the other filters apply.
 * `max_threads = 1`: FINAL over a scope's ~1,000 rows is a merge of a few short sorted
 * streams; with the default threads a search took 12.4 ms at the median where one thread
 * took 8.2 (chDB, 100,000 entries in 5 parts). `use_skip_indexes_if_final_exact_mode = 0`:
 * exact mode widens the granules the graph picked to every granule of other parts sharing
 * their key range (in a single-scope table, nearly all of them: +1 ms at 20,000 rows, growing
 * with the table); the `gone` rows carry the vector of what they hide (`vectorTableDdl`), so
 * the graph picks them with it. `mmap`: a search reads ~2 MB of vectors from ~60 files across
 * the parts; mapped, they stay open between searches (ClickHouse's mmap cache), which saved
 * 0.4–0.7 ms per search over reading them (`pread`).
 */
const VECTOR_SEARCH_SETTINGS = "use_query_condition_cache = 0, vector_search_index_fetch_multiplier = 20, max_threads = 1, use_skip_indexes_if_final_exact_mode = 0, local_filesystem_read_method = 'mmap', min_bytes_to_use_mmap_io = 1";

/** Settings of an exact lookup (`get`). */
const POINT_READ_SETTINGS = "max_threads = 1, local_filesystem_read_method = 'mmap', min_bytes_to_use_mmap_io = 1";

/**
 * The search of `nearest` (parameters `v`, `scope`, `tenant`, `now`): the newest row of each
 * key (FINAL), live and not gone, exact over the scope's granules or through the HNSW index
 * in parts the primary key cannot narrow (see `vectorTableDdl`); `answer` is read for the
 * returned rows only. The vector is a query parameter `v`: its Float32 bytes in hex
 * (`vectorHex`), which the query takes as they are (the constant folds once, and the HNSW index
 * still sees a constant vector).
 */
export function nearestSql(ddl: CacheDdlContext, dims: number, limit: number): string {
  return `SELECT key, answer, toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(expires_at) AS expires_ms,
              cosineDistance(embedding, reinterpret(unhex({v:String}), 'Array(Float32)')) AS distance
         FROM \`${ddl.database}\`.\`${vectorTableOf(ddl, dims)}\` FINAL
        WHERE scope = {scope:String} AND tenant = {tenant:String} AND expires_at > fromUnixTimestamp64Milli({now:Int64}, 'UTC') AND NOT gone
        ORDER BY distance LIMIT ${Math.max(1, Math.floor(limit))}
        SETTINGS ${VECTOR_SEARCH_SETTINGS}`;
}

/**
 * A vector as the hex of its Float32 bytes in the store's byte order, for `nearestSql`. As an
 * `Array(Float32)` parameter, the text of 256 floats took ~1 ms more per search to format, bind
 * and parse (chDB, 100,000 entries, interleaved A/B: 7–12% of the search).
 */
export function vectorHex(vector: Float32Array, littleEndian: boolean): string {
  const bytes = Buffer.alloc(vector.length * 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i], littleEndian);
  return bytes.toString('hex');
}

/** A stored answer as a lookup finds it: live, or corrupt when it does not parse. */
function liveOrCorrupt(key: string, tenant: string, scope: string, answerJson: string, createdMs: string | number, expiresMs: string | number): Exclude<StoredLookup, { kind: 'gone' }> {
  const answer = parseStoredAnswer(answerJson);
  return answer ? { kind: 'live', entry: { key, tenant, scope, answer, createdAtMs: Number(createdMs), expiresAtMs: Number(expiresMs) } } : { kind: 'corrupt' };
}

/** Adds a JSONEachRow row to the rows of its vector table (by embedding size). */
function addVectorRow(byDims: Map<number, string[]>, dims: number, row: string): void {
  const list = byDims.get(dims);
  if (list) list.push(row);
  else byDims.set(dims, [row]);
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
  /** A vector table of this cache table is known to exist (the cache never drops one). */
  private vectorTablesSeen = false;
  /** Until when (`performance.now()`) the store is taken to have none (`hasVectorTables`). */
  private noVectorTablesUntilMs = -Infinity;
  private upgrade: Promise<void> = Promise.resolve();
  /** Whether the store reads Float32 bytes little-endian (`vectorHex`); asked once. */
  private littleEndian: Promise<boolean> | undefined;

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

  /** Settles when the fill of a vector table this tier created (`vectorFillSql`) has ended; best effort, a failure leaves it partial. */
  get upgraded(): Promise<void> {
    return this.upgrade;
  }

  private ensureVectors(dims: number): Promise<void> {
    let p = this.vectorTables.get(dims);
    if (!p) {
      p = this.ensure().then(() => this.createVectors(dims));
      p.then(() => (this.vectorTablesSeen = true), () => this.vectorTables.delete(dims));
      this.vectorTables.set(dims, p);
    }
    return p;
  }

  /**
   * Creates the vector table; when this tier created it, fills it from `llm_cache` in the
   * background (a store written by an older version has its semantic entries there, with
   * their vectors). Searches go on meanwhile and may miss what is not copied yet. Writes
   * during the fill are safe: a copied row is never newer than what a write inserts for its
   * key. Two replicas creating the table at once may both fill it: duplicate rows, which
   * FINAL and merges collapse.
   */
  private async createVectors(dims: number): Promise<void> {
    const table = vectorTableOf(this.ddl, dims);
    const [row] = await this.store.query<{ result: number | string }>(`EXISTS TABLE \`${this.ddl.database}\`.\`${table}\``);
    await this.store.command(vectorTableDdl(this.ddl, dims));
    if (Number(row?.result) !== 1) this.upgrade = this.store.command(vectorFillSql(this.ddl, dims)).catch(() => {});
  }

  /**
   * The newest rows of `keys` owned by `tenant`. One thread (`max_threads = 1`): a point
   * read of a granule or two per part, where more threads only add scheduling (~25% more
   * CPU in chDB, measured). The newest row per key is picked here, not with `ORDER BY …
   * LIMIT 1 BY key`: the rows are a handful (a key's versions, one per part at most), and
   * the sort and limit steps cost ~1 ms of pipeline in chDB, a third of the lookup. A single
   * key (every lookup) is compared with `=` rather than `IN` (a set to build for the index
   * analysis), and files are read through `mmap` (see `VECTOR_SEARCH_SETTINGS`): together
   * 10–18% off the lookup (chDB, 100,000 entries in 5 parts, interleaved A/B).
   */
  async get(tenant: string, keys: readonly string[], nowMs: number): Promise<Map<string, StoredLookup>> {
    await this.ensure();
    const single = keys.length === 1;
    const rows = await this.store.query<Row>(
      `SELECT key, scope, answer, toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(expires_at) AS expires_ms
         FROM \`${this.ddl.database}\`.\`${this.ddl.table}\`
        WHERE tenant = {tenant:String} AND ${single ? 'key = {key:String}' : 'key IN {keys:Array(String)}'}
        SETTINGS ${POINT_READ_SETTINGS}`,
      single ? { tenant, key: keys[0] } : { tenant, keys },
    );
    const out = new Map<string, StoredLookup>();
    for (const r of newestPerKey(rows)) {
      out.set(r.key, Number(r.expires_ms) > nowMs ? liveOrCorrupt(r.key, tenant, r.scope, r.answer, r.created_ms, r.expires_ms) : { kind: 'gone' });
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

  /**
   * The `limit` entries of `scope` (tenant-checked) nearest to `vector`, most similar first:
   * the newest row of each key, live; those below `minSimilarity` are left out (and their
   * answers not parsed).
   */
  async nearest(scope: string, tenant: string, vector: Float32Array, nowMs: number, limit: number, minSimilarity = -Infinity): Promise<NearEntry[]> {
    await this.ensureVectors(vector.length);
    const v = vectorHex(vector, await this.storeLittleEndian());
    const rows = await this.store.query<NearRow>(nearestSql(this.ddl, vector.length, limit), { v, scope, tenant, now: nowMs });
    const out: NearEntry[] = [];
    for (const r of rows) {
      const similarity = 1 - Number(r.distance);
      if (!(similarity >= minSimilarity)) continue;
      out.push({ key: r.key, similarity, found: liveOrCorrupt(r.key, tenant, scope, r.answer, r.created_ms, r.expires_ms) });
    }
    return out;
  }

  /**
   * `reinterpret` reads the bytes in the server's own order: little-endian everywhere ClickHouse
   * runs but s390x, which this spares a silent mismatch. Retried after a failure.
   */
  private storeLittleEndian(): Promise<boolean> {
    this.littleEndian ??= this.store.query<{ le: number | boolean }>("SELECT reinterpret(unhex('0000803f'), 'Float32') = 1 AS le")
      .then(([row]) => Number(row?.le) === 1, (err: unknown) => {
        this.littleEndian = undefined;
        throw err;
      });
    return this.littleEndian;
  }

  /** Stores an entry (in the vector table too, for semantic entries). */
  put(e: StoredEntry, answerJson: string): Promise<void> {
    return this.putMany([{ entry: e, answerJson }]);
  }

  /**
   * Stores entries in one insert per table (bulk loads, benches), after hiding in the vector
   * tables the older semantic versions of their keys that these writes supersede. The vector
   * tables are written first: a write that fails half-way leaves the previous answer served,
   * or the new one served semantically, never the previous one semantically once `llm_cache`
   * has the new one.
   */
  async putMany(items: ReadonlyArray<{ entry: StoredEntry; answerJson: string }>): Promise<void> {
    await this.ensure();
    const semantic = (e: StoredEntry): e is StoredEntry & { vector: Float32Array } => e.vector !== undefined && e.scope !== '';
    const hiding = await this.hiding(items.map(({ entry: e }) => ({ tenant: e.tenant, key: e.key, atMs: e.createdAtMs, scope: semantic(e) ? e.scope : '' })));
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
      if (semantic(e)) {
        addVectorRow(vectors, e.vector.length, JSON.stringify({ scope: e.scope, key: e.key, tenant: e.tenant, created_at: created, expires_at: expires, gone: false, answer: answerJson, embedding }));
      }
    }
    await this.insertVectors(hiding);
    await this.insertVectors(vectors);
    await this.store.insertJsonEachRow(this.ddl.table, rows.join('\n'));
  }

  private async insertVectors(byDims: Map<number, string[]>): Promise<void> {
    for (const [dims, list] of byDims) {
      await this.ensureVectors(dims);
      await this.store.insertJsonEachRow(vectorTableOf(this.ddl, dims), list.join('\n'));
    }
  }

  /**
   * The `gone` rows (JSONEachRow, by embedding size) that hide in the vector tables what these
   * writes supersede (`supersededVersions`), read from the versions of their keys in
   * `llm_cache`: every version is written there with its scope and vector, and a version
   * merged away there was superseded by one still there, whose write hid it. A point read
   * like `get`; which versions matter is decided in JS (filtering on scope and expiry in the
   * query cost ~1 ms more, read per part).
   */
  private async hiding(writes: readonly SupersedingWrite[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    if (writes.length === 0 || !(writes.some((w) => w.scope !== '') || (await this.hasVectorTables()))) return out;
    const versions = await this.store.query<VersionRow>(
      `SELECT tenant, key, scope, embedding, toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(expires_at) AS expires_ms
         FROM \`${this.ddl.database}\`.\`${this.ddl.table}\`
        WHERE tenant IN {tenants:Array(String)} AND key IN {keys:Array(String)}
        SETTINGS max_threads = 1`,
      { tenants: [...new Set(writes.map((w) => w.tenant))], keys: [...new Set(writes.map((w) => w.key))] },
    );
    const asVersions: KeyVersion[] = versions.map((v) => ({ tenant: v.tenant, key: v.key, scope: v.scope, embedding: v.embedding, createdAtMs: Number(v.created_ms), expiresAtMs: Number(v.expires_ms) }));
    for (const h of supersededVersions(writes, asVersions)) {
      addVectorRow(out, h.embedding.length, JSON.stringify({ scope: h.scope, key: h.key, tenant: h.tenant, created_at: chTime(h.atMs), expires_at: chTime(h.expiresAtMs), gone: true, answer: '', embedding: h.embedding }));
    }
    return out;
  }

  /**
   * Whether the store has a vector table of this cache table: without one no semantic
   * version has a row to hide, and an exact-only write (every write where semantic caching is
   * off, the default) spares the read of `hiding`. The answer "none" is kept for 10 s: asking
   * costs ~2.4 ms, about half the read. A replica creating the first vector table fills it
   * from `llm_cache`; an exact-only refresh another replica writes within those 10 s, of a
   * key copied there, is not hidden (once per store, when semantic caching is first used).
   */
  private async hasVectorTables(): Promise<boolean> {
    if (this.vectorTablesSeen) return true;
    if (performance.now() < this.noVectorTablesUntilMs) return false;
    const [row] = await this.store.query<{ n: number | string }>(
      'SELECT count() AS n FROM system.tables WHERE database = {db:String} AND startsWith(name, {prefix:String})',
      { db: this.ddl.database, prefix: vectorTablesPrefixOf(this.ddl) },
    );
    this.vectorTablesSeen = Number(row?.n) > 0;
    if (!this.vectorTablesSeen) this.noVectorTablesUntilMs = performance.now() + NO_VECTOR_TABLES_RECHECK_MS;
    return this.vectorTablesSeen;
  }

  /**
   * Hides a key from now on (corrupted entries): a newer row that has already expired in
   * `llm_cache`, and `gone` rows over its semantic versions in the vector tables.
   */
  async drop(tenant: string, key: string, nowMs: number): Promise<void> {
    await this.ensure();
    await this.insertVectors(await this.hiding([{ tenant, key, atMs: nowMs, scope: '' }]));
    const row = { key, tenant, route: '', template: '', scope: '', answer: '', input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, served_by: '', created_at: chTime(nowMs), expires_at: chTime(nowMs), embedding: [] };
    await this.store.insertJsonEachRow(this.ddl.table, JSON.stringify(row));
  }
}
