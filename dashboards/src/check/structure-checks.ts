import { CHFormat, CLICKHOUSE_DS_TYPE } from '../clickhouse-query.js';

/**
 * What the JSON Schema cannot say about a Sluice dashboard: every query goes to the
 * ClickHouse datasource as SQL in a valid format, ids are unique, panels do not overlap,
 * legends show, units and thresholds are set, variables use the string query form, and every
 * variable the SQL names exists. Pure: returns the problems, one line each.
 */
interface Target {
  refId?: unknown;
  datasource?: { type?: unknown; uid?: unknown };
  editorType?: unknown;
  rawSql?: unknown;
  format?: unknown;
}
interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface AnyPanel {
  type: string;
  id?: number;
  title?: string;
  gridPos?: GridPos;
  datasource?: { type?: unknown; uid?: unknown };
  targets?: Target[];
  options?: { legend?: { showLegend?: unknown } };
  fieldConfig?: { defaults?: { unit?: unknown; thresholds?: unknown } };
}
interface AnyVariable {
  type: string;
  name: string;
  query?: unknown;
  datasource?: { type?: unknown };
  includeAll?: boolean;
  multi?: boolean;
}
export interface CheckableDashboard {
  uid?: string;
  panels?: AnyPanel[];
  templating: { list?: AnyVariable[] };
}

const FORMATS: readonly number[] = [CHFormat.TimeSeries, CHFormat.Table, CHFormat.Logs, CHFormat.Traces];
const VAR_REF = /\$(\w+)|\[\[(\w+?)(?::\w+)?\]\]|\$\{(\w+)(?:\.[^:^}]+)?(?::[^}]+)?\}/g;

/** Names of template variables `sql` refers to (Grafana built-ins and macros, `$__…`, excluded). */
export function referencedVariables(sql: string): string[] {
  const names = new Set<string>();
  for (const m of sql.matchAll(VAR_REF)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (name !== undefined && !name.startsWith('__')) names.add(name);
  }
  return [...names];
}

function checkTarget(where: string, t: Target, expected: CHFormat | undefined, vars: Set<string>, issues: string[]): void {
  if (t.datasource?.type !== CLICKHOUSE_DS_TYPE) issues.push(`${where}: datasource type is ${String(t.datasource?.type)}, not ${CLICKHOUSE_DS_TYPE}`);
  if (t.datasource?.uid !== '${datasource}') issues.push(`${where}: datasource uid is not the \${datasource} variable`);
  if (t.editorType !== 'sql') issues.push(`${where}: editorType is ${String(t.editorType)}, not sql`);
  if (typeof t.rawSql !== 'string' || t.rawSql.trim() === '') issues.push(`${where}: no rawSql`);
  else if (/\[object Object\]|\bundefined\b|\bNaN\b/.test(t.rawSql)) issues.push(`${where}: rawSql contains a JavaScript value (a template mistake)`);
  if (typeof t.format !== 'number' || !FORMATS.includes(t.format)) issues.push(`${where}: invalid format ${String(t.format)}`);
  else if (expected !== undefined && t.format !== expected) issues.push(`${where}: format ${t.format}, panel needs ${expected}`);
  if (typeof t.refId !== 'string' || t.refId === '') issues.push(`${where}: no refId`);
  if (typeof t.rawSql === 'string') {
    for (const name of referencedVariables(t.rawSql)) if (!vars.has(name)) issues.push(`${where}: SQL uses undefined variable $${name}`);
  }
}

const overlaps = (a: GridPos, b: GridPos): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Formats a panel type must use (undefined: any). */
const PANEL_FORMAT: Record<string, CHFormat | undefined> = { timeseries: CHFormat.TimeSeries, traces: CHFormat.Traces, stat: CHFormat.Table, table: CHFormat.Table, bargauge: CHFormat.Table, barchart: CHFormat.Table };
const NEEDS_UNIT = new Set(['timeseries', 'stat', 'bargauge', 'barchart']);
const HAS_LEGEND = new Set(['timeseries', 'barchart']);

export function checkDashboardStructure(d: CheckableDashboard): string[] {
  const issues: string[] = [];
  const variables = d.templating.list ?? [];
  const vars = new Set(variables.map((v) => v.name));
  const ds = variables.find((v) => v.name === 'datasource');
  if (ds?.type !== 'datasource' || ds.query !== CLICKHOUSE_DS_TYPE) issues.push('no datasource variable of type grafana-clickhouse-datasource');
  for (const v of variables) {
    if (v.type !== 'query') continue;
    const where = `variable ${v.name}`;
    if (typeof v.query !== 'string' || v.query.trim() === '') issues.push(`${where}: query must be a SQL string`);
    if (v.datasource?.type !== CLICKHOUSE_DS_TYPE) issues.push(`${where}: datasource is not ClickHouse`);
    if (v.multi && !v.includeAll) issues.push(`${where}: multi-valued without "All"`);
    if (typeof v.query === 'string') {
      for (const name of referencedVariables(v.query)) if (!vars.has(name)) issues.push(`${where}: SQL uses undefined variable $${name}`);
    }
  }
  const ids = new Set<number>();
  const placed: { title: string; pos: GridPos }[] = [];
  for (const p of d.panels ?? []) {
    const where = `panel ${p.id ?? '?'} "${p.title ?? ''}"`;
    if (p.id === undefined || ids.has(p.id)) issues.push(`${where}: missing or duplicate id`);
    if (p.id !== undefined) ids.add(p.id);
    if (p.gridPos) {
      for (const other of placed) if (overlaps(p.gridPos, other.pos)) issues.push(`${where}: overlaps "${other.title}"`);
      placed.push({ title: p.title ?? '', pos: p.gridPos });
    }
    if (p.type === 'row') continue;
    if (p.datasource?.type !== CLICKHOUSE_DS_TYPE || p.datasource.uid !== '${datasource}') issues.push(`${where}: panel datasource is not \${datasource} (ClickHouse)`);
    const targets = p.targets ?? [];
    if (targets.length === 0) issues.push(`${where}: no targets`);
    const refIds = new Set<unknown>();
    targets.forEach((t, i) => {
      if (refIds.has(t.refId)) issues.push(`${where}: duplicate refId ${String(t.refId)}`);
      refIds.add(t.refId);
      checkTarget(`${where} target ${i}`, t, PANEL_FORMAT[p.type], vars, issues);
    });
    if (NEEDS_UNIT.has(p.type) && typeof p.fieldConfig?.defaults?.unit !== 'string') issues.push(`${where}: no unit`);
    if (p.type !== 'traces' && p.fieldConfig?.defaults?.thresholds === undefined) issues.push(`${where}: no thresholds`);
    if (HAS_LEGEND.has(p.type) && p.options?.legend?.showLegend !== true) issues.push(`${where}: legend hidden`);
  }
  return issues;
}
