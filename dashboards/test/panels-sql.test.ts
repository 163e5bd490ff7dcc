import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startObservedStack, type ObservedStack } from './observed-stack.js';
import { type LoadedDashboard, loadGeneratedDashboards, resolveVariables, runExpanded, shapeProblems } from './panel-queries.js';
import { sendSyntheticSpans } from './synthetic-spans.js';
import { runWorkload, type WorkloadIds } from './workload.js';

/*
 * Every panel's SQL and every variable query of the checked-in dashboards, expanded as
 * Grafana and the ClickHouse plugin would expand it, runs on chDB holding what a short
 * workload through the real gateway and MCP gateway stored, and returns what its panel
 * draws. Data from features not wired yet (gateway cache, LLM guardrails, breaker skips) is
 * synthetic: see synthetic-spans.ts.
 */
const GENERATED = fileURLToPath(new URL('../generated/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sluice-dashboards-'));
const startedMs = Date.now();
let stack: ObservedStack;
let ids: WorkloadIds;
let time: { from: Date; to: Date; intervalMs: number };
const dashboards: LoadedDashboard[] = loadGeneratedDashboards(GENERATED);

beforeAll(async () => {
  stack = await startObservedStack(dir);
  ids = await runWorkload(stack);
  await sendSyntheticSpans(stack.collector.url);
  await stack.collector.collector.flush();
  time = { from: new Date(startedMs - 10 * 60_000), to: new Date(Date.now() + 60_000), intervalMs: 60_000 };
}, 60_000);

afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Single-valued variables point at the workload's run, trace and scenario runs. */
function preferred(uid: string): Record<string, string> {
  if (uid === 'sluice-run-explorer') return { run: ids.run, trace_id: ids.traceId };
  if (uid === 'sluice-scenario-results') return { scenario: ids.scenario, run: ids.scenarioRuns[1], baseline: ids.scenarioRuns[0] };
  return {};
}

describe('the workload did what the panels show', () => {
  it('streams, errors, failovers, refusals (budget, RBAC, rate limit) and tool outcomes happened for real', () => {
    const s = ids.statuses;
    expect(s.ok.every((c) => c === 200)).toBe(true);
    expect(s.failover).toEqual([200, 200]);
    expect(s.upstream_error).toEqual([502, 502]);
    expect(s.budget).toEqual([429]);
    expect(s.rbac).toEqual([403]);
    expect(s.bob).toContain(429);
    // search ok, divide by zero fails, lookup ok (masked), fetch ok; carol: search ok, lookup denied; the changed tool is blocked.
    expect(s.tools).toEqual([200, 500, 200, 200, 200, 403, 403]);
  });
});

describe.each(dashboards.map((d) => [d.file, d] as const))('%s', (_file, d) => {
  it('every variable query and panel target returns what its panel needs ("All" selected)', async () => {
    const { vars, options, checks } = await resolveVariables(stack.collector.store, d, time, preferred(d.uid));
    const problems: string[] = [];
    for (const { q, r } of checks) for (const p of shapeProblems(q, r)) problems.push(`${q.label}: ${p}\n${r.sql}`);
    for (const q of d.queries) {
      const r = await runExpanded(stack.collector.store, q.rawSql, { ...time, vars, options });
      for (const p of shapeProblems(q, r)) problems.push(`${q.label}: ${p}\n${r.sql}`);
    }
    expect(problems).toEqual([]);
    expect(d.queries.length).toBeGreaterThan(0);
  });

  it('every query also runs with one value picked in each filter variable', async () => {
    const want: Record<string, string> = { agent: 'alice', team: 'research', model: 'sim-fast', provider: 'sim', server: 'sim' };
    const { vars, options } = await resolveVariables(stack.collector.store, d, time, preferred(d.uid), (name, values) => {
      const v = values.find((x) => x === want[name]) ?? values.find((x) => x.endsWith('search')) ?? values[0];
      return v === undefined ? '$__all' : [v];
    });
    for (const q of d.queries) await runExpanded(stack.collector.store, q.rawSql, { ...time, vars, options });
  });
});

describe('the run explorer shows one agent run end to end', () => {
  it("the waterfall holds the run's LLM calls, its tool calls and their upstream attempts", async () => {
    const explorer = dashboards.find((d) => d.uid === 'sluice-run-explorer')!;
    const { vars, options } = await resolveVariables(stack.collector.store, explorer, time, preferred(explorer.uid));
    const trace = explorer.queries.find((q) => q.format === 3)!;
    const r = await runExpanded(stack.collector.store, trace.rawSql, { ...time, vars, options });
    const ops = r.data.map((row) => String(row.operationName));
    expect(ops).toEqual(expect.arrayContaining(['chat sim-realistic', 'chat sim-fast', expect.stringMatching(/^tools\/call .*search$/)]));
    expect(new Set(r.data.map((row) => row.traceID))).toEqual(new Set([ids.traceId]));
  });
});
