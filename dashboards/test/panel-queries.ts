import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpanStore } from '../../collector/src/index.js';
import { CHFormat } from '../src/clickhouse-query.js';
import { type ExpandContext, expandPanelSql } from '../src/macros/expand-sql.js';
import type { VariableValue } from '../src/macros/frontend-variables.js';

/** One query a dashboard sends: a panel target or a variable's query. */
export interface DashboardQuery {
  dashboard: string;
  /** `panel 12 "Tokens per interval" A` or `variable agent`. */
  label: string;
  kind: 'target' | 'variable';
  panelType: string;
  format: CHFormat | undefined;
  rawSql: string;
  /** barchart: the category column. */
  xField?: string;
}

interface Json {
  uid: string;
  panels: Array<{ id: number; type: string; title: string; options?: { xField?: string }; targets?: Array<{ refId: string; rawSql: string; format: number }> }>;
  templating: { list: Array<{ name: string; type: string; query?: string; multi?: boolean; includeAll?: boolean }> };
}

export interface LoadedDashboard {
  file: string;
  uid: string;
  variables: Json['templating']['list'];
  queries: DashboardQuery[];
}

/** The checked-in dashboards (what Grafana provisions), with every query they hold. */
export function loadGeneratedDashboards(dir: string): LoadedDashboard[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const d = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;
      const queries: DashboardQuery[] = [];
      for (const p of d.panels) {
        for (const t of p.targets ?? []) {
          queries.push({ dashboard: d.uid, label: `panel ${p.id} "${p.title}" ${t.refId}`, kind: 'target', panelType: p.type, format: t.format, rawSql: t.rawSql, ...(p.options?.xField ? { xField: p.options.xField } : {}) });
        }
      }
      return { file, uid: d.uid, variables: d.templating.list, queries };
    });
}

export interface Column {
  name: string;
  type: string;
}
export interface QueryResult {
  sql: string;
  meta: Column[];
  data: Array<Record<string, unknown>>;
}

/** Expands a query like Grafana and the plugin would, and runs it read-only on the store. */
export async function runExpanded(store: SpanStore, rawSql: string, ctx: ExpandContext): Promise<QueryResult> {
  const sql = expandPanelSql(rawSql, ctx);
  try {
    const out = JSON.parse(await store.queryReadonly(sql, 'JSON')) as { meta: Column[]; data: Array<Record<string, unknown>> };
    return { sql, meta: out.meta, data: out.data };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- expanded SQL ---\n${sql}`, { cause: err });
  }
}

const unwrap = (type: string): string => type.replace(/^(?:Nullable|LowCardinality)\((.*)\)$/, '$1').replace(/^(?:Nullable|LowCardinality)\((.*)\)$/, '$1');
export const isNumericType = (type: string): boolean => /^(U?Int\d+|Float\d+|Decimal)/.test(unwrap(type));
export const isTimeType = (type: string): boolean => /^(DateTime|Date)/.test(unwrap(type));
export const isStringType = (type: string): boolean => /^(String|FixedString)/.test(unwrap(type));
const nonZero = (v: unknown): boolean => v !== null && v !== undefined && Number(v) !== 0 && !Number.isNaN(Number(v));

/** The trace view's required columns (the plugin's trace-mode aliases). */
export const TRACE_COLUMNS = ['traceID', 'spanID', 'parentSpanID', 'serviceName', 'operationName', 'startTime', 'duration', 'tags', 'serviceTags', 'statusCode'];

/**
 * What is wrong with a result for the panel that asked (empty when nothing): a time column
 * first and a non-zero number for time series; a non-zero number for stats; a label and a
 * value for bar gauges; the x field and a value for bar charts; the trace-view columns for
 * traces; rows for everything.
 */
export function shapeProblems(q: DashboardQuery, r: QueryResult): string[] {
  const problems: string[] = [];
  if (r.data.length === 0) return ['no rows'];
  const numeric = r.meta.filter((c) => isNumericType(c.type));
  const anyNonZero = numeric.some((c) => r.data.some((row) => nonZero(row[c.name])));
  if (q.kind === 'variable') {
    if (r.meta.length < 1 || r.meta.length > 2) problems.push(`a variable query returns 1 or 2 columns, got ${r.meta.length}`);
    return problems;
  }
  switch (q.format) {
    case CHFormat.TimeSeries:
      if (r.meta[0]?.name !== 'time' || !isTimeType(r.meta[0].type)) problems.push(`first column must be time (DateTime), got ${r.meta[0]?.name}: ${r.meta[0]?.type}`);
      if (numeric.length === 0) problems.push('no numeric column');
      else if (!anyNonZero) problems.push('every value is zero');
      break;
    case CHFormat.Traces:
      for (const c of TRACE_COLUMNS) if (!r.meta.some((m) => m.name === c)) problems.push(`missing trace column ${c}`);
      break;
    case CHFormat.Table:
      if (q.panelType === 'stat') {
        if (numeric.length === 0) problems.push('a stat needs a numeric column');
        else if (!anyNonZero) problems.push('every value is zero');
      }
      if (q.panelType === 'bargauge' && (numeric.length === 0 || !r.meta.some((c) => isStringType(c.type)))) problems.push('a bar gauge needs a label column and a numeric column');
      if (q.panelType === 'barchart' && (numeric.length === 0 || !r.meta.some((c) => c.name === q.xField))) problems.push(`a bar chart needs its x field ${q.xField} and a numeric column`);
      break;
    default:
      problems.push(`unexpected format ${String(q.format)}`);
  }
  return problems;
}

/**
 * Resolves a dashboard's variables in order, as Grafana does on load: each query runs with the
 * values chosen so far, multi-valued ones stay on "All", single ones take `preferred[name]`
 * (which must be among the options) or the first option.
 */
export async function resolveVariables(
  store: SpanStore,
  d: LoadedDashboard,
  time: Omit<ExpandContext, 'vars' | 'options'>,
  preferred: Record<string, string>,
  pick: (name: string, options: string[]) => VariableValue = () => '$__all',
): Promise<{ vars: Record<string, VariableValue>; options: Record<string, string[]>; checks: Array<{ q: DashboardQuery; r: QueryResult }> }> {
  const vars: Record<string, VariableValue> = {};
  const options: Record<string, string[]> = {};
  const checks: Array<{ q: DashboardQuery; r: QueryResult }> = [];
  for (const v of d.variables) {
    if (v.type !== 'query' || v.query === undefined) continue;
    const q: DashboardQuery = { dashboard: d.uid, label: `variable ${v.name}`, kind: 'variable', panelType: 'variable', format: undefined, rawSql: v.query };
    const r = await runExpanded(store, v.query, { ...time, vars, options });
    checks.push({ q, r });
    const values = r.data.map((row) => String(row[r.meta[0].name]));
    options[v.name] = values;
    if (v.multi && v.includeAll) vars[v.name] = pick(v.name, values);
    else {
      const want = preferred[v.name];
      if (want !== undefined && !values.includes(want)) throw new Error(`${d.uid}: variable ${v.name} does not offer ${want} (options: ${values.join(', ')})`);
      vars[v.name] = want ?? values[0] ?? '';
    }
  }
  return { vars, options, checks };
}
