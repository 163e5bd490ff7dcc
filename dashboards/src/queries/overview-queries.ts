import { ATTR, SLUICE } from '../../../collector/src/index.js';
import { attr, LLM_SERVER_SPAN, PROVIDER_EXPR, llmWhere, sql, spanWhere, type Tables, varIn } from './sql-parts.js';

/**
 * Gateway overview: traffic, errors, latency, tokens, cost, cache, guardrails, failover and
 * upstream health. Per-call facts come from llm_calls, sums over time from the per-minute
 * rollup, and what only the raw spans carry (guardrail rules, skipped targets, attempts)
 * from otel_traces.
 */
export function overviewQueries(t: Tables) {
  const w = llmWhere();
  const wu = llmWhere('minute');
  const wSpans = spanWhere(['agent', 'team', 'model', 'provider']);
  /** p50 and p95 of a per-call timing (calls that have it) over time, per model · provider. */
  const p50p95ByModel = (column: string) => sql`
      SELECT $__timeInterval(Timestamp) AS time, concat(toString(request_model), ' · ', toString(provider)) AS model,
        quantile(0.5)(${column}) AS p50, quantile(0.95)(${column}) AS p95
      FROM ${t.llmCalls}
      WHERE ${w} AND ${column} > 0
      GROUP BY time, model
      ORDER BY time`;
  return {
    requestsTotal: sql`
      SELECT count() AS requests FROM ${t.llmCalls}
      WHERE ${w}`,
    errorRatioTotal: sql`
      SELECT countIf(status = 'error') / greatest(count(), 1) AS error_ratio FROM ${t.llmCalls}
      WHERE ${w}`,
    p95Total: sql`
      SELECT quantile(0.95)(duration_ms) AS p95_ms FROM ${t.llmCalls}
      WHERE ${w}`,
    costTotal: sql`
      SELECT sum(cost_micro_usd) / 1e6 AS cost_usd FROM ${t.llmUsage1m}
      WHERE ${wu}`,
    tokensTotal: sql`
      SELECT sum(input_tokens) + sum(output_tokens) AS tokens FROM ${t.llmUsage1m}
      WHERE ${wu}`,
    cacheHitRatioTotal: sql`
      SELECT sum(cache_hits) / greatest(sum(calls), 1) AS cache_hit_ratio FROM ${t.llmUsage1m}
      WHERE ${wu}`,
    requestsPerSecond: sql`
      SELECT $__timeInterval(Timestamp) AS time, toString(status) AS status, count() / $__interval_s AS requests_per_s
      FROM ${t.llmCalls}
      WHERE ${w}
      GROUP BY time, status
      ORDER BY time`,
    // Which API the agents speak (OpenAI chat completions or Anthropic Messages); only the spans carry it.
    requestsByApi: sql`
      SELECT $__timeInterval(Timestamp) AS time, ${attr(SLUICE.API)} AS api, count() / $__interval_s AS requests_per_s
      FROM ${t.traces}
      WHERE ${wSpans} AND ${LLM_SERVER_SPAN}
      GROUP BY time, api
      ORDER BY time`,
    // Errors of each type over all calls of the interval (refusals count: they are answers the
    // agent did not want either).
    errorRatioByType: sql`
      SELECT c.time AS time, e.error_type AS error_type, e.errors / c.calls AS error_ratio
      FROM (
        SELECT $__timeInterval(Timestamp) AS time, if(error_type = '', 'unknown', toString(error_type)) AS error_type, count() AS errors
        FROM ${t.llmCalls}
        WHERE ${w} AND status = 'error'
        GROUP BY time, error_type
      ) AS e
      INNER JOIN (
        SELECT $__timeInterval(Timestamp) AS time, count() AS calls
        FROM ${t.llmCalls}
        WHERE ${w}
        GROUP BY time
      ) AS c ON e.time = c.time
      ORDER BY time`,
    latencyPercentiles: sql`
      SELECT $__timeInterval(Timestamp) AS time,
        quantile(0.5)(duration_ms) AS p50, quantile(0.95)(duration_ms) AS p95, quantile(0.99)(duration_ms) AS p99
      FROM ${t.llmCalls}
      WHERE ${w}
      GROUP BY time
      ORDER BY time`,
    ttftByModel: p50p95ByModel('ttft_ms'),
    tpotByModel: p50p95ByModel('tpot_ms'),
    latencyByModelTable: sql`
      SELECT toString(request_model) AS model, toString(provider) AS provider, count() AS calls,
        quantile(0.5)(duration_ms) AS p50_ms, quantile(0.95)(duration_ms) AS p95_ms, quantile(0.99)(duration_ms) AS p99_ms,
        quantileIf(0.5)(ttft_ms, ttft_ms > 0) AS ttft_p50_ms, quantileIf(0.95)(ttft_ms, ttft_ms > 0) AS ttft_p95_ms, quantileIf(0.99)(ttft_ms, ttft_ms > 0) AS ttft_p99_ms,
        quantileIf(0.5)(tpot_ms, tpot_ms > 0) AS tpot_p50_ms, quantileIf(0.95)(tpot_ms, tpot_ms > 0) AS tpot_p95_ms
      FROM ${t.llmCalls}
      WHERE ${w}
      GROUP BY model, provider
      ORDER BY calls DESC`,
    tokensPerInterval: sql`
      SELECT $__timeInterval(minute) AS time, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cached_tokens) AS cached_input
      FROM ${t.llmUsage1m}
      WHERE ${wu}
      GROUP BY time
      ORDER BY time`,
    costPerInterval: sql`
      SELECT $__timeInterval(minute) AS time, toString(request_model) AS model, sum(cost_micro_usd) / 1e6 AS cost_usd
      FROM ${t.llmUsage1m}
      WHERE ${wu}
      GROUP BY time, model
      ORDER BY time`,
    topAgentsByCost: sql`
      SELECT toString(agent) AS agent, sum(cost_micro_usd) / 1e6 AS cost_usd
      FROM ${t.llmUsage1m}
      WHERE ${wu}
      GROUP BY agent
      ORDER BY cost_usd DESC, agent
      LIMIT 10`,
    topModelsByCost: sql`
      SELECT toString(request_model) AS model, sum(cost_micro_usd) / 1e6 AS cost_usd
      FROM ${t.llmUsage1m}
      WHERE ${wu}
      GROUP BY model
      ORDER BY cost_usd DESC, model
      LIMIT 10`,
    cacheOverTime: sql`
      SELECT $__timeInterval(minute) AS time, sum(cache_hits) / greatest(sum(calls), 1) AS hit_ratio, sum(cache_saved_micro_usd) / 1e6 AS saved_usd
      FROM ${t.llmUsage1m}
      WHERE ${wu}
      GROUP BY time
      ORDER BY time`,
    cacheSavedTotal: sql`
      SELECT sum(cache_saved_micro_usd) / 1e6 AS saved_usd FROM ${t.llmUsage1m}
      WHERE ${wu}`,
    // Requests a guardrail rule matched, LLM and tool calls alike (the span lists its rules).
    guardrailHitsByRule: sql`
      SELECT $__timeInterval(Timestamp) AS time, rule, count() AS requests
      FROM ${t.traces}
      ARRAY JOIN JSONExtract(${attr(SLUICE.GUARDRAIL_RULES)}, 'Array(String)') AS rule
      WHERE ${spanWhere(['agent', 'team'])}
        AND SpanKind = 'Server' AND mapContains(SpanAttributes, '${SLUICE.GUARDRAIL_RULES}')
      GROUP BY time, rule
      ORDER BY time`,
    guardrailRulesAndActions: sql`
      SELECT arrayStringConcat(JSONExtract(${attr(SLUICE.GUARDRAIL_RULES)}, 'Array(String)'), ', ') AS rules,
        arrayStringConcat(JSONExtract(${attr(SLUICE.GUARDRAIL_ACTIONS)}, 'Array(String)'), ', ') AS actions,
        if(${attr(ATTR.GEN_AI_OPERATION_NAME)} = 'execute_tool', 'tool', 'llm') AS call,
        count() AS requests, sum(toUInt32OrZero(${attr(SLUICE.GUARDRAIL_HITS)})) AS hits, max(Timestamp) AS last_seen
      FROM ${t.traces}
      WHERE ${spanWhere(['agent', 'team'])}
        AND SpanKind = 'Server' AND toUInt32OrZero(${attr(SLUICE.GUARDRAIL_HITS)}) > 0
      GROUP BY rules, actions, call
      ORDER BY requests DESC`,
    failovers: sql`
      SELECT $__timeInterval(Timestamp) AS time, countIf(served_by_backup = 1) AS served_by_backup, countIf(attempts > 1) AS retried
      FROM ${t.llmCalls}
      WHERE ${w}
      GROUP BY time
      ORDER BY time`,
    // A target passed over because its breaker was open (`target:breaker_open` in the list).
    breakerEjections: sql`
      SELECT $__timeInterval(Timestamp) AS time, extract(skipped, '^(.*):breaker_open$') AS target, count() AS skipped_open
      FROM ${t.traces}
      ARRAY JOIN JSONExtract(${attr(SLUICE.FAILOVER_SKIPPED)}, 'Array(String)') AS skipped
      WHERE ${wSpans}
        AND ${LLM_SERVER_SPAN} AND skipped LIKE '%:breaker_open'
      GROUP BY time, target
      ORDER BY time`,
    // Upstream attempts are the CLIENT spans under each request.
    upstreamHealth: sql`
      SELECT ${PROVIDER_EXPR} AS provider, ${attr(SLUICE.TARGET)} AS target, count() AS attempts,
        countIf(StatusCode = 'Error') / count() AS error_ratio,
        quantile(0.95)(Duration / 1e6) AS p95_ms,
        countIf(${attr(SLUICE.BREAKER_STATE)} = 'half-open') AS probes,
        argMaxIf(${attr(ATTR.ERROR_TYPE)}, Timestamp, StatusCode = 'Error') AS last_error,
        max(Timestamp) AS last_attempt
      FROM ${t.traces}
      WHERE $__timeFilter(Timestamp) AND ${varIn(PROVIDER_EXPR, 'provider')}
        AND SpanKind = 'Client' AND mapContains(SpanAttributes, '${SLUICE.TARGET}')
      GROUP BY provider, target
      ORDER BY error_ratio DESC, attempts DESC`,
    upstreamErrorRatio: sql`
      SELECT $__timeInterval(Timestamp) AS time, ${attr(SLUICE.TARGET)} AS target, countIf(StatusCode = 'Error') / count() AS error_ratio
      FROM ${t.traces}
      WHERE $__timeFilter(Timestamp) AND ${varIn(PROVIDER_EXPR, 'provider')}
        AND SpanKind = 'Client' AND mapContains(SpanAttributes, '${SLUICE.TARGET}')
      GROUP BY time, target
      ORDER BY time`,
  };
}
