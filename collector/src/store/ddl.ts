/**
 * DDL rendering. `otel_traces`, `otel_traces_trace_id_ts` and its view are the OTel
 * Collector ClickHouse exporter's latest templates (`internal/sqltemplates/traces_*.sql`,
 * text indexes as for servers ≥ 26.2), so the official collector writes the same tables and
 * Grafana's trace view works. `ON CLUSTER` and `Replicated*` engines render only when a
 * cluster is configured (chDB has neither).
 */
export interface DdlContext {
  database: string;
  cluster: string | undefined;
  retentionDays: number;
}

/** `db`.`name` */
export const qname = (ctx: DdlContext, name: string): string => `\`${ctx.database}\`.\`${name}\``;

/** ` ON CLUSTER `c`` or nothing. */
export const onCluster = (ctx: DdlContext): string => (ctx.cluster === undefined ? '' : ` ON CLUSTER \`${ctx.cluster}\``);

/** `MergeTree()` → `ReplicatedMergeTree()` in cluster mode (replica path from server defaults). */
export const engine = (ctx: DdlContext, name: 'MergeTree' | 'SummingMergeTree' | 'AggregatingMergeTree' | 'ReplacingMergeTree'): string =>
  ctx.cluster === undefined ? `${name}()` : `Replicated${name}()`;

/**
 * Table settings for our own tables. Without replication, a deduplication window must be
 * set on every table an insert reaches (source and each view target) for a re-sent spool
 * batch (same `insert_deduplication_token`) to be stored once; replicated tables have one.
 */
export const dedupSetting = (ctx: DdlContext): string => (ctx.cluster === undefined ? ', non_replicated_deduplication_window = 1000' : '');

export const ttlDays = (ctx: DdlContext, timeExpr: string): string => `${timeExpr} + toIntervalDay(${ctx.retentionDays})`;

export function createDatabase(ctx: DdlContext): string {
  return `CREATE DATABASE IF NOT EXISTS \`${ctx.database}\`${onCluster(ctx)}`;
}

export function createMigrationsTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qname(ctx, 'sluice_schema_migrations')}${onCluster(ctx)} (
    version UInt32,
    name String,
    applied_at DateTime DEFAULT now()
) ENGINE = ${engine(ctx, 'ReplacingMergeTree')}
ORDER BY version`;
}

export function createOtelTraces(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qname(ctx, 'otel_traces')}${onCluster(ctx)} (
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Duration UInt64 CODEC(T64, ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage String CODEC(ZSTD(1)),
    Events Nested (
        Timestamp DateTime64(9),
        Name LowCardinality(String),
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    Links Nested (
        TraceId String,
        SpanId String,
        TraceState String,
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    ResourceAttributeItems Array(String) ALIAS arrayMap(kv -> concat(kv.1, '=', kv.2), CAST(ResourceAttributes, 'Array(Tuple(String, String))')),
    SpanAttributeItems Array(String) ALIAS arrayMap(kv -> concat(kv.1, '=', kv.2), CAST(SpanAttributes, 'Array(Tuple(String, String))')),
    INDEX idx_trace_id TraceId TYPE text(tokenizer = 'array'),
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE text(tokenizer = 'array'),
    INDEX idx_res_attr_items ResourceAttributeItems TYPE text(tokenizer = 'array'),
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE text(tokenizer = 'array'),
    INDEX idx_span_attr_items SpanAttributeItems TYPE text(tokenizer = 'array'),
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1,
    INDEX idx_lower_span_name lower(SpanName) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8
) ENGINE = ${engine(ctx, 'MergeTree')}
PARTITION BY toDate(Timestamp)
PRIMARY KEY (ServiceName, SpanName, toDateTime(Timestamp))
ORDER BY (ServiceName, SpanName, toDateTime(Timestamp), Timestamp)
TTL ${ttlDays(ctx, 'toDateTime(Timestamp)')}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`;
}

export function createTraceIdTsTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qname(ctx, 'otel_traces_trace_id_ts')}${onCluster(ctx)} (
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime) CODEC(ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime) CODEC(ZSTD(1))
) ENGINE = ${engine(ctx, 'AggregatingMergeTree')}
PARTITION BY toStartOfWeek(Start)
ORDER BY (TraceId)
TTL ${ttlDays(ctx, 'toDateTime(Start)')}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`;
}

export function createTraceIdTsView(ctx: DdlContext): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qname(ctx, 'otel_traces_trace_id_ts_mv')}${onCluster(ctx)}
TO ${qname(ctx, 'otel_traces_trace_id_ts')}
AS SELECT
    TraceId,
    min(Timestamp) as Start,
    max(Timestamp) as End
FROM ${qname(ctx, 'otel_traces')}
WHERE TraceId != ''
GROUP BY TraceId`;
}

/**
 * The exporter's `otel_traces` has no deduplication window; we add one beside the
 * verbatim CREATE (so a table the official collector created gets it too). Not needed,
 * and not rendered, for replicated tables.
 */
export function enableOtelTracesDedup(ctx: DdlContext): string[] {
  if (ctx.cluster !== undefined) return [];
  return [`ALTER TABLE ${qname(ctx, 'otel_traces')} MODIFY SETTING non_replicated_deduplication_window = 1000`];
}

/** Tables with a TTL and the time expression it is computed from (retention sync). */
export const TTL_TABLES: readonly { table: string; timeExpr: string }[] = [
  { table: 'otel_traces', timeExpr: 'toDateTime(Timestamp)' },
  { table: 'otel_traces_trace_id_ts', timeExpr: 'toDateTime(Start)' },
  { table: 'llm_calls', timeExpr: 'toDateTime(Timestamp)' },
  { table: 'tool_calls', timeExpr: 'toDateTime(Timestamp)' },
  { table: 'llm_usage_1m', timeExpr: 'minute' },
  { table: 'tool_usage_1m', timeExpr: 'minute' },
];

export function modifyTtl(ctx: DdlContext, table: string, timeExpr: string): string {
  return `ALTER TABLE ${qname(ctx, table)}${onCluster(ctx)} MODIFY TTL ${ttlDays(ctx, timeExpr)}`;
}
