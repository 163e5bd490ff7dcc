import type { SpanStore } from '../store/store.js';
import { num, optionalNum, table, timeFilter, windowParams, type BuiltQuery, type TimeWindow } from './window.js';

export const LATENCY_DIMENSIONS = ['request_model', 'provider', 'agent', 'route'] as const;
export type LatencyDimension = (typeof LATENCY_DIMENSIONS)[number];

export interface LatencyRow {
  key: string;
  calls: number;
  errors: number;
  errorRate: number;
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Over calls that reported a first token (streams); undefined when none did. */
  ttftP50Ms: number | undefined;
  ttftP95Ms: number | undefined;
  tpotAvgMs: number | undefined;
}

export interface LatencyQuery {
  window: TimeWindow;
  by: LatencyDimension;
}

/** Latency and error summary of LLM calls per model / provider / agent / route. */
export function buildLatencySummaryQuery(database: string, q: LatencyQuery): BuiltQuery {
  if (!(LATENCY_DIMENSIONS as readonly string[]).includes(q.by)) throw new Error(`unknown latency dimension ${q.by}`);
  const sql = `SELECT toString(${q.by}) AS key,
    count() AS calls,
    countIf(status = 'error') AS errors,
    avg(duration_ms) AS avg_ms,
    quantiles(0.5, 0.95, 0.99)(duration_ms) AS q,
    quantilesIf(0.5, 0.95)(ttft_ms, ttft_ms > 0) AS tq,
    avgIf(tpot_ms, tpot_ms > 0) AS tpot_avg
FROM ${table(database, 'llm_calls')}
WHERE ${timeFilter('Timestamp')}
GROUP BY key
ORDER BY calls DESC, key`;
  return { sql, params: windowParams(q.window) };
}

export async function queryLatencySummary(store: SpanStore, q: LatencyQuery): Promise<LatencyRow[]> {
  const { sql, params } = buildLatencySummaryQuery(store.info.database, q);
  const rows = await store.query<Record<string, unknown>>(sql, params);
  return rows.map((r) => {
    const quant = (r.q as unknown[] | undefined) ?? [];
    const tq = (r.tq as unknown[] | undefined) ?? [];
    const calls = num(r.calls);
    const errors = num(r.errors);
    return {
      key: String(r.key),
      calls,
      errors,
      errorRate: calls === 0 ? 0 : errors / calls,
      avgMs: num(r.avg_ms),
      p50Ms: num(quant[0]),
      p95Ms: num(quant[1]),
      p99Ms: num(quant[2]),
      ttftP50Ms: optionalNum(tq[0]),
      ttftP95Ms: optionalNum(tq[1]),
      tpotAvgMs: optionalNum(r.tpot_avg),
    };
  });
}

export interface ToolSummaryRow {
  server: string;
  tool: string;
  calls: number;
  errors: number;
  errorRate: number;
  p95Ms: number;
  costMicroUsd: number;
}

/** Calls, errors and p95 latency per MCP server and tool over a window. */
export function buildToolSummaryQuery(database: string, window: TimeWindow): BuiltQuery {
  const sql = `SELECT toString(server) AS server, toString(tool) AS tool, count() AS calls,
    countIf(status = 'error') AS errors, quantile(0.95)(duration_ms) AS p95_ms, sum(cost_micro_usd) AS cost_micro_usd
FROM ${table(database, 'tool_calls')}
WHERE ${timeFilter('Timestamp')}
GROUP BY server, tool
ORDER BY calls DESC, server, tool`;
  return { sql, params: windowParams(window) };
}

export async function queryToolSummary(store: SpanStore, window: TimeWindow): Promise<ToolSummaryRow[]> {
  const { sql, params } = buildToolSummaryQuery(store.info.database, window);
  const rows = await store.query<Record<string, unknown>>(sql, params);
  return rows.map((r) => {
    const calls = num(r.calls);
    const errors = num(r.errors);
    return { server: String(r.server), tool: String(r.tool), calls, errors, errorRate: calls === 0 ? 0 : errors / calls, p95Ms: num(r.p95_ms), costMicroUsd: num(r.cost_micro_usd) };
  });
}
