/**
 * The cache's ClickHouse tables, created by the cache itself (`CREATE … IF NOT EXISTS`) in
 * the gateway store's database. `ON CLUSTER` and `Replicated*` engines render only when the
 * store has a cluster (chDB has neither), as in the collector's own DDL.
 */
export interface CacheDdlContext {
  database: string;
  table: string;
  cluster: string | undefined;
}

const q = (ident: string): string => `\`${ident}\``;
const onCluster = (c: CacheDdlContext): string => (c.cluster === undefined ? '' : ` ON CLUSTER ${q(c.cluster)}`);
const engine = (c: CacheDdlContext, name: string, args: string): string => (c.cluster === undefined ? `${name}(${args})` : `Replicated${name}(${args})`);

/**
 * `db`.`llm_cache_vectors_v3_d256`: one table of semantic entries per embedding size, in the
 * layout of `vectorTableDdl`. It replaced the v2 (`…_vectors_v2_d<dims>`) and v1
 * (`…_vectors_d<dims>`) tables, which held vectors without answers: this version neither
 * reads nor writes them, and fills v3 from `llm_cache` instead (`vectorFillSql`).
 */
export const vectorTableOf = (c: CacheDdlContext, dims: number): string => `${vectorTablesPrefixOf(c)}${dims}`;

/** What the names of a cache table's vector tables start with (their embedding size follows). */
export const vectorTablesPrefixOf = (c: CacheDdlContext): string => `${c.table}_vectors_v3_d`;

/**
 * `llm_cache`: every cached answer, the source of truth. A refresh inserts a newer row for
 * the same key and the newest row wins (ReplacingMergeTree by `created_at`; lookups read
 * the newest row, so merges need not have happened); a dropped entry is a newer row that
 * has already expired. Rows leave a day after they expire. Small granules (256 rows): every
 * read is a point lookup by (tenant, key), and a granule is the least that is read and
 * decompressed — at the default 8192 rows that is megabytes of answers per lookup. The
 * primary key still leaves a granule in every part (a key sorts somewhere in each); the
 * bloom filter on `key` skips the parts that do not hold it (tables created before it can
 * add it: `ALTER TABLE … ADD INDEX key_bloom key TYPE bloom_filter GRANULARITY 1`).
 */
export function cacheTableDdl(c: CacheDdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${q(c.database)}.${q(c.table)}${onCluster(c)} (
  key String,
  tenant LowCardinality(String),
  route LowCardinality(String),
  template LowCardinality(String),
  scope String,
  answer String CODEC(ZSTD(3)),
  input_tokens UInt32,
  output_tokens UInt32,
  cached_input_tokens UInt32,
  served_by LowCardinality(String),
  created_at DateTime64(3, 'UTC'),
  expires_at DateTime64(3, 'UTC'),
  embedding Array(Float32),
  INDEX key_bloom key TYPE bloom_filter GRANULARITY 1
) ENGINE = ${engine(c, 'ReplacingMergeTree', 'created_at')}
ORDER BY (tenant, key)
TTL toDateTime(expires_at) + INTERVAL 1 DAY
SETTINGS index_granularity = 256`;
}

/**
 * The semantic entries, sorted by scope, with ClickHouse's HNSW vector similarity index (bf16,
 * M=16, ef_construction=64). Each row holds what serving a hit needs (the answer, its times),
 * so a semantic lookup is one query: the search reads `answer` only for the rows it returns
 * (lazy materialization). A key's rows here follow its rows in `llm_cache`:
 * - a refresh in the same scope inserts a newer row: `ReplacingMergeTree(created_at)` by
 *   (scope, key), and searches read with FINAL, so the newest row of a key wins (the last
 *   inserted on a tie), before the filters on expiry and `gone` apply. The key enters the
 *   sorting key as a 64-bit hash: FINAL reads the sorting key of every granule the graph
 *   picks (~200 at 100,000 rows in one scope), and the 64-character keys made that search
 *   5.7 ms slower than without FINAL, the hash 1.7 ms (two keys of a scope sharing a hash,
 *   odds ~3 in 10^8 with a million keys in one scope, would hide each other: misses, not
 *   wrong answers);
 * - anything else that supersedes a semantic entry in `llm_cache` (a drop, an exact-only
 *   refresh, the key stored again under another scope) inserts a newer `gone` row in each
 *   other scope where the key has a live version, carrying that version's vector: where the
 *   graph is searched only rows near the query are read, and the copy is near wherever the
 *   version is.
 * What ClickHouse 26.7 (chDB) does with `WHERE scope = … ORDER BY cosineDistance(…) LIMIT n`,
 * part by part (EXPLAIN indexes = 1):
 * - where the primary key narrows the part to the scope's granules (the part holds other
 *   scopes too), it reads those rows and compares them exactly: pre-filtering, the graph is
 *   not consulted, and other tenants' near-duplicates cannot crowd the scope out;
 * - where it cannot (the part holds only this scope, or is a single granule), the graph is
 *   searched (the plan reads the `_distance` virtual column, not `embedding`) and the other
 *   filters apply to its `n × vector_search_index_fetch_multiplier` candidates.
 * Small granules (128 rows) keep the exact search to little more than the scope's own rows
 * (at 1,024 rows, 100 tenants in 100,000 entries read 10× their rows). The index has the
 * default GRANULARITY, one graph per part: with one graph per granule a search that does use
 * it queries every granule's graph (~100 at 100,000 vectors, 3× slower). Embeddings do not
 * compress; `CODEC(NONE)` spares reads the LZ4 framing (ClickHouse's advice for vectors).
 * Rows leave a day after they expire, as in `llm_cache`; a `gone` row expires with the last
 * row it hides.
 */
export function vectorTableDdl(c: CacheDdlContext, dims: number): string {
  return `CREATE TABLE IF NOT EXISTS ${q(c.database)}.${q(vectorTableOf(c, dims))}${onCluster(c)} (
  scope String,
  key String,
  key_hash UInt64 MATERIALIZED cityHash64(key),
  tenant LowCardinality(String),
  created_at DateTime64(3, 'UTC'),
  expires_at DateTime64(3, 'UTC'),
  gone Bool,
  answer String CODEC(ZSTD(3)),
  embedding Array(Float32) CODEC(NONE),
  INDEX embedding_hnsw embedding TYPE vector_similarity('hnsw', 'cosineDistance', ${dims}, 'bf16', 16, 64)
) ENGINE = ${engine(c, 'ReplacingMergeTree', 'created_at')}
ORDER BY (scope, key_hash)
TTL toDateTime(expires_at) + INTERVAL 1 DAY
SETTINGS index_granularity = 128`;
}

/**
 * Fills a new vector table with the live semantic entries of `llm_cache`: the newest row of
 * each key (FINAL; the filters apply after it), when it has a scope and a vector of this size.
 */
export function vectorFillSql(c: CacheDdlContext, dims: number): string {
  return `INSERT INTO ${q(c.database)}.${q(vectorTableOf(c, dims))} (scope, key, tenant, created_at, expires_at, gone, answer, embedding)
SELECT scope, key, tenant, created_at, expires_at, false, answer, embedding FROM ${q(c.database)}.${q(c.table)} FINAL
 WHERE scope != '' AND length(embedding) = ${Math.floor(dims)} AND expires_at > now64(3)`;
}
