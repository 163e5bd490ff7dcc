import { ATTR, OPERATION, SLUICE } from '../model/semconv.js';
import { dedupSetting, engine, onCluster, qname, ttlDays, type DdlContext } from './ddl.js';

/**
 * Sluice's own tables, all fed by materialized views from `otel_traces` (the truth): one
 * flat row per LLM call and per tool call, and per-minute rollups for budgets and
 * dashboards. Attributes are strings in the map (exporter `AsString()`), so values are
 * parsed with `…OrZero`; attribute names come from semconv.ts.
 */

const a = (name: string): string => `SpanAttributes['${name}']`;
const flag = (name: string): string => `toUInt8(${a(name)} IN ('true', '1'))`;
const status = `if(StatusCode = 'Error', 'error', 'ok')`;

function mergeTree(ctx: DdlContext, orderBy: string, timeExpr: string): string {
  return `ENGINE = ${engine(ctx, 'MergeTree')}
PARTITION BY toDate(Timestamp)
ORDER BY (${orderBy})
TTL ${ttlDays(ctx, timeExpr)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1${dedupSetting(ctx)}`;
}

export function createLlmCalls(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qname(ctx, 'llm_calls')}${onCluster(ctx)} (
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    conversation_id String CODEC(ZSTD(1)),
    request_id String CODEC(ZSTD(1)),
    agent LowCardinality(String),
    team LowCardinality(String),
    key_id LowCardinality(String),
    provider LowCardinality(String),
    request_model LowCardinality(String),
    response_model LowCardinality(String),
    route LowCardinality(String),
    api LowCardinality(String),
    stream UInt8,
    input_tokens UInt64,
    output_tokens UInt64,
    cached_tokens UInt64,
    tokens_estimated UInt8,
    cost_micro_usd Int64,
    ttft_ms Float64,
    tpot_ms Float64,
    duration_ms Float64,
    status_code UInt16,
    status LowCardinality(String),
    error_type LowCardinality(String),
    cache_hit UInt8,
    cache_kind LowCardinality(String),
    cache_saved_micro_usd Int64,
    guardrail_hits UInt32,
    attempts UInt16,
    served_by_backup UInt8,
    run_id String CODEC(ZSTD(1)),
    scenario LowCardinality(String),
    service_name LowCardinality(String),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_conversation conversation_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_run run_id TYPE bloom_filter(0.01) GRANULARITY 1
) ${mergeTree(ctx, 'toStartOfHour(Timestamp), agent, request_model, Timestamp', 'toDateTime(Timestamp)')}`;
}

export function createLlmCallsView(ctx: DdlContext): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qname(ctx, 'llm_calls_mv')}${onCluster(ctx)}
TO ${qname(ctx, 'llm_calls')}
AS SELECT
    Timestamp,
    TraceId,
    SpanId,
    ${a(ATTR.GEN_AI_CONVERSATION_ID)} AS conversation_id,
    ${a(SLUICE.REQUEST_ID)} AS request_id,
    ${a(SLUICE.AGENT)} AS agent,
    ${a(SLUICE.TEAM)} AS team,
    ${a(SLUICE.KEY_ID)} AS key_id,
    if(${a(SLUICE.PROVIDER)} != '', ${a(SLUICE.PROVIDER)}, ${a(ATTR.GEN_AI_PROVIDER_NAME)}) AS provider,
    ${a(ATTR.GEN_AI_REQUEST_MODEL)} AS request_model,
    ${a(ATTR.GEN_AI_RESPONSE_MODEL)} AS response_model,
    ${a(SLUICE.ROUTE)} AS route,
    ${a(SLUICE.API)} AS api,
    ${flag(ATTR.GEN_AI_REQUEST_STREAM)} AS stream,
    toUInt64OrZero(${a(ATTR.GEN_AI_USAGE_INPUT_TOKENS)}) AS input_tokens,
    toUInt64OrZero(${a(ATTR.GEN_AI_USAGE_OUTPUT_TOKENS)}) AS output_tokens,
    toUInt64OrZero(${a(ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)}) AS cached_tokens,
    ${flag(SLUICE.TOKENS_ESTIMATED)} AS tokens_estimated,
    toInt64OrZero(${a(SLUICE.COST_MICRO_USD)}) AS cost_micro_usd,
    if(mapContains(SpanAttributes, '${SLUICE.TTFT_MS}'), toFloat64OrZero(${a(SLUICE.TTFT_MS)}),
       toFloat64OrZero(${a(ATTR.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK)}) * 1000) AS ttft_ms,
    toFloat64OrZero(${a(SLUICE.TPOT_MS)}) AS tpot_ms,
    Duration / 1e6 AS duration_ms,
    toUInt16OrZero(if(mapContains(SpanAttributes, '${SLUICE.STATUS_CODE}'), ${a(SLUICE.STATUS_CODE)}, ${a(ATTR.HTTP_RESPONSE_STATUS_CODE)})) AS status_code,
    ${status} AS status,
    ${a(ATTR.ERROR_TYPE)} AS error_type,
    ${flag(SLUICE.CACHE_HIT)} AS cache_hit,
    ${a(SLUICE.CACHE_KIND)} AS cache_kind,
    toInt64OrZero(${a(SLUICE.CACHE_SAVED_MICRO_USD)}) AS cache_saved_micro_usd,
    toUInt32OrZero(${a(SLUICE.GUARDRAIL_HITS)}) AS guardrail_hits,
    toUInt16OrZero(${a(SLUICE.ATTEMPTS)}) AS attempts,
    ${flag(SLUICE.SERVED_BY_BACKUP)} AS served_by_backup,
    ${a(SLUICE.RUN_ID)} AS run_id,
    ${a(SLUICE.SCENARIO)} AS scenario,
    ServiceName AS service_name
FROM ${qname(ctx, 'otel_traces')}
WHERE SpanKind = 'Server' AND ${a(ATTR.GEN_AI_OPERATION_NAME)} IN ('${OPERATION.CHAT}', '${OPERATION.EMBEDDINGS}')`;
}

export function createToolCalls(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qname(ctx, 'tool_calls')}${onCluster(ctx)} (
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    conversation_id String CODEC(ZSTD(1)),
    agent LowCardinality(String),
    team LowCardinality(String),
    key_id LowCardinality(String),
    server LowCardinality(String),
    tool LowCardinality(String),
    method LowCardinality(String),
    session_id String CODEC(ZSTD(1)),
    duration_ms Float64,
    status LowCardinality(String),
    error_type LowCardinality(String),
    cost_micro_usd Int64,
    guardrail_hits UInt32,
    run_id String CODEC(ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_conversation conversation_id TYPE bloom_filter(0.01) GRANULARITY 1
) ${mergeTree(ctx, 'toStartOfHour(Timestamp), agent, server, tool, Timestamp', 'toDateTime(Timestamp)')}`;
}

export function createToolCallsView(ctx: DdlContext): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qname(ctx, 'tool_calls_mv')}${onCluster(ctx)}
TO ${qname(ctx, 'tool_calls')}
AS SELECT
    Timestamp,
    TraceId,
    SpanId,
    ${a(ATTR.GEN_AI_CONVERSATION_ID)} AS conversation_id,
    ${a(SLUICE.AGENT)} AS agent,
    ${a(SLUICE.TEAM)} AS team,
    ${a(SLUICE.KEY_ID)} AS key_id,
    ${a(SLUICE.MCP_SERVER)} AS server,
    ${a(ATTR.GEN_AI_TOOL_NAME)} AS tool,
    ${a(ATTR.MCP_METHOD_NAME)} AS method,
    ${a(ATTR.MCP_SESSION_ID)} AS session_id,
    Duration / 1e6 AS duration_ms,
    ${status} AS status,
    ${a(ATTR.ERROR_TYPE)} AS error_type,
    toInt64OrZero(${a(SLUICE.COST_MICRO_USD)}) AS cost_micro_usd,
    toUInt32OrZero(${a(SLUICE.GUARDRAIL_HITS)}) AS guardrail_hits,
    ${a(SLUICE.RUN_ID)} AS run_id
FROM ${qname(ctx, 'otel_traces')}
WHERE SpanKind = 'Server' AND ${a(ATTR.GEN_AI_OPERATION_NAME)} = '${OPERATION.EXECUTE_TOOL}'`;
}

function summing(ctx: DdlContext, orderBy: string): string {
  return `ENGINE = ${engine(ctx, 'SummingMergeTree')}
PARTITION BY toDate(minute)
ORDER BY (${orderBy})
TTL ${ttlDays(ctx, 'minute')}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1${dedupSetting(ctx)}`;
}

export function createLlmUsage1m(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qname(ctx, 'llm_usage_1m')}${onCluster(ctx)} (
    minute DateTime CODEC(Delta(4), ZSTD(1)),
    agent LowCardinality(String),
    team LowCardinality(String),
    key_id LowCardinality(String),
    provider LowCardinality(String),
    request_model LowCardinality(String),
    calls UInt64,
    errors UInt64,
    input_tokens UInt64,
    output_tokens UInt64,
    cached_tokens UInt64,
    cost_micro_usd Int64,
    cache_hits UInt64,
    cache_saved_micro_usd Int64,
    duration_ms_sum Float64
) ${summing(ctx, 'minute, agent, team, key_id, provider, request_model')}`;
}

export function createLlmUsage1mView(ctx: DdlContext): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qname(ctx, 'llm_usage_1m_mv')}${onCluster(ctx)}
TO ${qname(ctx, 'llm_usage_1m')}
AS SELECT
    toStartOfMinute(toDateTime(Timestamp)) AS minute,
    agent, team, key_id, provider, request_model,
    count() AS calls,
    countIf(status = 'error') AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cached_tokens) AS cached_tokens,
    sum(cost_micro_usd) AS cost_micro_usd,
    countIf(cache_hit = 1) AS cache_hits,
    sum(cache_saved_micro_usd) AS cache_saved_micro_usd,
    sum(duration_ms) AS duration_ms_sum
FROM ${qname(ctx, 'llm_calls')}
GROUP BY minute, agent, team, key_id, provider, request_model`;
}

export function createToolUsage1m(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qname(ctx, 'tool_usage_1m')}${onCluster(ctx)} (
    minute DateTime CODEC(Delta(4), ZSTD(1)),
    agent LowCardinality(String),
    team LowCardinality(String),
    server LowCardinality(String),
    tool LowCardinality(String),
    calls UInt64,
    errors UInt64,
    cost_micro_usd Int64,
    duration_ms_sum Float64
) ${summing(ctx, 'minute, agent, team, server, tool')}`;
}

export function createToolUsage1mView(ctx: DdlContext): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qname(ctx, 'tool_usage_1m_mv')}${onCluster(ctx)}
TO ${qname(ctx, 'tool_usage_1m')}
AS SELECT
    toStartOfMinute(toDateTime(Timestamp)) AS minute,
    agent, team, server, tool,
    count() AS calls,
    countIf(status = 'error') AS errors,
    sum(cost_micro_usd) AS cost_micro_usd,
    sum(duration_ms) AS duration_ms_sum
FROM ${qname(ctx, 'tool_calls')}
GROUP BY minute, agent, team, server, tool`;
}
