import type { SpanStore } from '../store/store.js';
import { num, table, windowParams, type BuiltQuery, type TimeWindow } from './window.js';

/** Dimensions of the `llm_usage_1m` rollup. */
export const SPEND_DIMENSIONS = ['agent', 'team', 'key_id', 'provider', 'request_model'] as const;
export type SpendDimension = (typeof SPEND_DIMENSIONS)[number];

export interface SpendRow {
  calls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costMicroUsd: number;
  cacheHits: number;
  cacheSavedMicroUsd: number;
}

export interface GroupedSpendRow extends SpendRow {
  /** The values of the grouped dimensions, e.g. `{ agent: 'a1', request_model: 'gpt-4o' }`. */
  group: Partial<Record<SpendDimension, string>>;
}

export interface SpendQuery {
  window: TimeWindow;
  /** Group by these (none: one total row). */
  groupBy?: readonly SpendDimension[];
  /** Only rows whose dimension equals the value (e.g. `{ key_id: 'k_123' }`). */
  filter?: Partial<Record<SpendDimension, string>>;
}

/**
 * Spend over a window from the per-minute rollup. The rollup has minute resolution: the
 * window is taken as [start of from's minute, to), so align windows (day, month) to the
 * minute for budgets. Summing at read time is what SummingMergeTree needs.
 */
export function buildSpendQuery(database: string, q: SpendQuery): BuiltQuery {
  const groupBy = [...new Set(q.groupBy ?? [])];
  for (const d of [...groupBy, ...Object.keys(q.filter ?? {})]) {
    if (!(SPEND_DIMENSIONS as readonly string[]).includes(d)) throw new Error(`unknown spend dimension ${d}`);
  }
  const params: Record<string, unknown> = windowParams(q.window);
  const where = ['minute >= toStartOfMinute(toDateTime(intDiv({fromMs:Int64}, 1000)))', 'minute < fromUnixTimestamp64Milli({toMs:Int64})'];
  for (const [dim, value] of Object.entries(q.filter ?? {})) {
    params[`f_${dim}`] = value;
    where.push(`${dim} = {f_${dim}:String}`);
  }
  const sql = `SELECT ${groupBy.map((d) => `${d}, `).join('')}
    sum(calls) AS calls, sum(errors) AS errors,
    sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cached_tokens) AS cached_tokens,
    sum(cost_micro_usd) AS cost_micro_usd, sum(cache_hits) AS cache_hits, sum(cache_saved_micro_usd) AS cache_saved_micro_usd
FROM ${table(database, 'llm_usage_1m')}
WHERE ${where.join(' AND ')}${groupBy.length > 0 ? `\nGROUP BY ${groupBy.join(', ')}\nORDER BY cost_micro_usd DESC, ${groupBy.join(', ')}` : ''}`;
  return { sql, params };
}

function toSpendRow(r: Record<string, unknown>): SpendRow {
  return {
    calls: num(r.calls),
    errors: num(r.errors),
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    cachedTokens: num(r.cached_tokens),
    costMicroUsd: num(r.cost_micro_usd),
    cacheHits: num(r.cache_hits),
    cacheSavedMicroUsd: num(r.cache_saved_micro_usd),
  };
}

/** Spend grouped by the requested dimensions, most expensive first. */
export async function querySpend(store: SpanStore, q: SpendQuery): Promise<GroupedSpendRow[]> {
  const { sql, params } = buildSpendQuery(store.info.database, q);
  const rows = await store.query<Record<string, unknown>>(sql, params);
  return rows.map((r) => {
    const group: Partial<Record<SpendDimension, string>> = {};
    for (const d of q.groupBy ?? []) group[d] = String(r[d] ?? '');
    return { ...toSpendRow(r), group };
  });
}

/** Total spend of whatever the filter selects (e.g. one key today): zeros when nothing matched. */
export async function querySpendTotal(store: SpanStore, q: Omit<SpendQuery, 'groupBy'>): Promise<SpendRow> {
  const { sql, params } = buildSpendQuery(store.info.database, { ...q, groupBy: [] });
  const [row] = await store.query<Record<string, unknown>>(sql, params);
  return toSpendRow(row ?? {});
}
