import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildDashboards, checkDashboards, renderDashboard } from '../build.js';
import { DASHBOARD_SCHEMA } from './dashboard-schema.js';
import { type CheckableDashboard, checkDashboardStructure, referencedVariables } from './structure-checks.js';

const GENERATED = fileURLToPath(new URL('../../generated/', import.meta.url));
const built = buildDashboards();
/** As Grafana reads them: the JSON text, not the builder objects. */
const parsed = built.map((g) => ({ file: g.file, json: JSON.parse(renderDashboard(g.dashboard)) as CheckableDashboard & Record<string, unknown> }));
const validate = new Ajv({ allErrors: true, strict: true }).compile(DASHBOARD_SCHEMA);

describe('the generated dashboards', () => {
  it('are the five the issue asks for, with distinct uids', () => {
    expect(built.map((g) => g.dashboard.title)).toEqual([
      'Sluice · Gateway overview',
      'Sluice · Agents and budgets',
      'Sluice · MCP tools',
      'Sluice · Agent run explorer',
      'Sluice · Scenario results',
    ]);
    expect(new Set(built.map((g) => g.dashboard.uid)).size).toBe(built.length);
  });

  it.each(parsed.map((p) => [p.file, p.json] as const))('%s validates against the dashboard JSON schema', (_file, json) => {
    const ok = validate(json);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(parsed.map((p) => [p.file, p.json] as const))('%s: ClickHouse SQL targets, ids, layout, units, legends, variables', (_file, json) => {
    expect(checkDashboardStructure(json)).toEqual([]);
  });

  it('checked-in JSON is what the TypeScript produces (run `sluice dashboards build` after a change)', async () => {
    expect(await checkDashboards(GENERATED)).toEqual({ stale: [], extra: [] });
  });
});

describe('the checks can fail', () => {
  const overview = () => structuredClone(parsed[0].json) as unknown as { panels: Array<Record<string, unknown>>; templating: { list: Array<Record<string, unknown>> } } & Record<string, unknown>;

  it('schema: an unknown key, a bad grid position, an object-form variable query', () => {
    const d = overview();
    d.colour = 'blue';
    (d.panels[1].gridPos as { w: number }).w = 30;
    d.templating.list[1].query = { rawSql: 'SELECT 1', editorType: 'sql' };
    expect(validate(d)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    expect(paths.some((p) => p.includes('additional properties'))).toBe(true);
    expect(paths.some((p) => p.startsWith('/panels/1/gridPos/w'))).toBe(true);
    expect(paths.some((p) => p.startsWith('/templating/list/1/query'))).toBe(true);
  });

  it('structure: wrong datasource, builder target, missing SQL, bad format, undefined variable, overlap, hidden legend', () => {
    // A loosely typed copy, broken on purpose.
    type Loose = { type: string; targets: Array<Record<string, unknown>>; options: { legend: { showLegend: boolean } }; gridPos: Record<string, number> };
    const d = overview() as unknown as { panels: Loose[]; templating: CheckableDashboard['templating'] };
    const ts = d.panels.find((p) => p.type === 'timeseries')!;
    ts.targets[0].datasource = { type: 'prometheus', uid: 'x' };
    ts.targets[0].editorType = 'builder';
    ts.options.legend.showLegend = false;
    const st = d.panels.find((p) => p.type === 'stat')!;
    st.targets[0].rawSql = '';
    st.targets[0].format = 7;
    const tb = d.panels.find((p) => p.type === 'table')!;
    tb.targets[0].rawSql = 'SELECT 1 WHERE x IN (${nosuch:singlequote})';
    d.panels[2].gridPos = { ...d.panels[1].gridPos };
    const issues = checkDashboardStructure(d as unknown as CheckableDashboard).join('\n');
    for (const want of ['datasource type is prometheus', 'editorType is builder', 'legend hidden', 'no rawSql', 'invalid format 7', 'undefined variable $nosuch', 'overlaps']) expect(issues).toContain(want);
  });

  it('finds the variables SQL refers to, not macros or built-ins', () => {
    expect(referencedVariables("WHERE $__timeFilter(t) AND $__conditionalAll(a IN (${agent:singlequote}), $agent) AND b = [[team]] LIMIT $__interval_s")).toEqual(['agent', 'team']);
  });
});
