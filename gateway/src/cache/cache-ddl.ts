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

/** `db`.`llm_cache_vectors_d256`: one vector table per embedding size. */
export const vectorTableOf = (c: CacheDdlContext, dims: number): string => `${c.table}_vectors_d${dims}`;

/**
 * `llm_cache`: every cached answer, the source of truth. A refresh inserts a newer row for
 * the same key and the newest row wins (ReplacingMergeTree by `created_at`; lookups read
 * the newest row, so merges need not have happened); a dropped entry is a newer row that
 * has already expired. Rows leave a day after they expire. Small granules (256 rows): every
 * read is a point lookup by (tenant, key), and a granule is the least that is read and
 * decompressed — at the default 8192 rows that is megabytes of answers per lookup.
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
  embedding Array(Float32)
) ENGINE = ${engine(c, 'ReplacingMergeTree', 'created_at')}
ORDER BY (tenant, key)
TTL toDateTime(expires_at) + INTERVAL 1 DAY
SETTINGS index_granularity = 256`;
}

/**
 * The vectors of semantic entries, with ClickHouse's HNSW vector similarity index
 * (verified on chDB 26.7: the index is built and used, see EXPLAIN indexes=1 in the
 * README). Sorted by scope with small granules (1024 rows) and one index per granule
 * (GRANULARITY 1): the primary key narrows a search to the granules of the request's scope
 * before the index is consulted, so other tenants' near-duplicates cannot crowd the scope
 * out of the index's candidates (ClickHouse post-filters index results by the WHERE).
 * bf16 halves index memory and build time; M=16, ef_construction=64.
 */
export function vectorTableDdl(c: CacheDdlContext, dims: number): string {
  return `CREATE TABLE IF NOT EXISTS ${q(c.database)}.${q(vectorTableOf(c, dims))}${onCluster(c)} (
  scope String,
  key String,
  tenant LowCardinality(String),
  created_at DateTime64(3, 'UTC'),
  expires_at DateTime64(3, 'UTC'),
  embedding Array(Float32),
  INDEX embedding_hnsw embedding TYPE vector_similarity('hnsw', 'cosineDistance', ${dims}, 'bf16', 16, 64) GRANULARITY 1
) ENGINE = ${engine(c, 'MergeTree', '')}
ORDER BY (scope, key)
TTL toDateTime(expires_at) + INTERVAL 1 DAY
SETTINGS index_granularity = 1024`;
}
