import { sql, type Tables } from './sql-parts.js';

/**
 * Calls of the selected run (`$run`: a conversation id, or the trace id of a call without
 * one). Tool calls carry no conversation id of their own, so they join the run through a
 * trace they share with one of its LLM calls (the agent propagates `traceparent`).
 */
export function inRun(t: Tables): { llm: string; tool: string } {
  const direct = '(conversation_id = ${run:singlequote} OR TraceId = ${run:singlequote})';
  return {
    llm: direct,
    tool: `(${direct} OR TraceId IN (SELECT TraceId FROM ${t.llmCalls} WHERE $__timeFilter(Timestamp) AND conversation_id = \${run:singlequote}))`,
  };
}

/**
 * Tool calls matching `where`, each with the run it belongs to: its own conversation id, else
 * the conversation of an LLM call in the same trace, else its trace id.
 */
export function toolCallsWithRun(t: Tables, where: string): string {
  return sql`
    SELECT tc.*, if(tc.conversation_id != '', tc.conversation_id, if(c.conversation != '', c.conversation, tc.TraceId)) AS run
    FROM (SELECT * FROM ${t.toolCalls} WHERE ${where}) AS tc
    LEFT JOIN (
      SELECT TraceId, any(conversation_id) AS conversation FROM ${t.llmCalls}
      WHERE $__timeFilter(Timestamp) AND conversation_id != ''
      GROUP BY TraceId
    ) AS c ON tc.TraceId = c.TraceId`;
}

/**
 * Agent run explorer: the selected trace in Grafana's trace view, and the run's LLM and tool
 * steps with tokens, cost and timing.
 */
export function runQueries(t: Tables) {
  const IN_RUN = inRun(t);
  const steps = sql`
    SELECT Timestamp AS time, 'llm' AS kind, toString(agent) AS agent, toString(request_model) AS name, toString(provider) AS target,
      duration_ms, ttft_ms, input_tokens, output_tokens, cost_micro_usd AS cost, toString(status) AS status, toString(error_type) AS error_type, TraceId, SpanId
    FROM ${t.llmCalls} WHERE $__timeFilter(Timestamp) AND ${IN_RUN.llm}
    UNION ALL
    SELECT Timestamp AS time, 'tool' AS kind, toString(agent) AS agent, toString(tool) AS name, toString(server) AS target,
      duration_ms, toFloat64(0) AS ttft_ms, toUInt64(0) AS input_tokens, toUInt64(0) AS output_tokens, cost_micro_usd AS cost, toString(status) AS status, toString(error_type) AS error_type, TraceId, SpanId
    FROM ${t.toolCalls} WHERE $__timeFilter(Timestamp) AND ${IN_RUN.tool}`;
  return {
    // The plugin's trace-view columns (format 3), as its OTel-mode query builder writes them,
    // bounded by the trace's start and end from the trace-id lookup table.
    trace: sql`
      WITH \${trace_id:singlequote} AS trace_id,
        (SELECT min(Start) FROM ${t.traceIdTs} WHERE TraceId = trace_id) AS trace_start,
        (SELECT max(End) + 1 FROM ${t.traceIdTs} WHERE TraceId = trace_id) AS trace_end
      SELECT TraceId AS traceID, SpanId AS spanID, ParentSpanId AS parentSpanID, ServiceName AS serviceName, SpanName AS operationName,
        multiply(toUnixTimestamp64Nano(Timestamp), 0.000001) AS startTime, multiply(Duration, 0.000001) AS duration,
        arrayMap(key -> map('key', key, 'value', SpanAttributes[key]), mapKeys(SpanAttributes)) AS tags,
        arrayMap(key -> map('key', key, 'value', ResourceAttributes[key]), mapKeys(ResourceAttributes)) AS serviceTags,
        if(StatusCode IN ('Error', 'STATUS_CODE_ERROR'), 2, 0) AS statusCode,
        arrayMap((name, timestamp, attributes) -> tuple(name, toString(toUnixTimestamp64Milli(timestamp)), arrayMap(key -> map('key', key, 'value', attributes[key]), mapKeys(attributes)))::Tuple(name String, timestamp String, fields Array(Map(String, String))), Events.Name, Events.Timestamp, Events.Attributes) AS logs,
        SpanKind AS kind, StatusMessage AS statusMessage, ScopeName AS instrumentationLibraryName, ScopeVersion AS instrumentationLibraryVersion
      FROM ${t.traces}
      WHERE TraceId = trace_id AND Timestamp >= trace_start AND Timestamp <= trace_end
      ORDER BY startTime
      LIMIT 1000`,
    steps: sql`
      SELECT time, toUnixTimestamp64Milli(time) - min(toUnixTimestamp64Milli(time)) OVER () AS offset_ms, kind, agent, name, target,
        duration_ms, ttft_ms, input_tokens, output_tokens, cost / 1e6 AS cost_usd, status, error_type, TraceId AS trace_id, SpanId AS span_id
      FROM (
      ${steps}
      )
      ORDER BY time, span_id`,
    summary: sql`
      SELECT count() AS steps, countIf(kind = 'llm') AS llm_calls, countIf(kind = 'tool') AS tool_calls, countIf(status = 'error') AS errors,
        sum(input_tokens) + sum(output_tokens) AS tokens, sum(cost) / 1e6 AS cost_usd,
        (max(toUnixTimestamp64Milli(time) + toInt64(duration_ms)) - min(toUnixTimestamp64Milli(time))) AS wall_ms
      FROM (
      ${steps}
      )`,
    traces: sql`
      SELECT TraceId AS trace_id, min(Timestamp) AS started, count() AS spans, countIf(StatusCode = 'Error') AS error_spans,
        max(toUnixTimestamp64Nano(Timestamp) + Duration) / 1e6 - min(toUnixTimestamp64Nano(Timestamp)) / 1e6 AS duration_ms,
        arrayStringConcat(groupUniqArray(SpanName), ', ') AS operations
      FROM ${t.traces}
      WHERE $__timeFilter(Timestamp) AND TraceId IN (
        SELECT TraceId FROM ${t.llmCalls} WHERE $__timeFilter(Timestamp) AND ${IN_RUN.llm}
        UNION ALL
        SELECT TraceId FROM ${t.toolCalls} WHERE $__timeFilter(Timestamp) AND ${IN_RUN.tool}
      )
      GROUP BY trace_id
      ORDER BY started`,
  };
}
