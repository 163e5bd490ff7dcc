import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { agentsBudgets } from './boards/agents-budgets.js';
import { gatewayOverview } from './boards/gateway-overview.js';
import { mcpTools } from './boards/mcp-tools.js';
import { runExplorer } from './boards/run-explorer.js';
import { scenarioResults } from './boards/scenario-results.js';
import { tablesIn } from './queries/sql-parts.js';

export interface BuildOptions {
  /** ClickHouse database of the collector's tables (the store's `database`, default `otel`). */
  database?: string;
}

export interface GeneratedDashboard {
  /** File name under dashboards/generated/. */
  file: string;
  dashboard: Dashboard;
}

/** Every Sluice dashboard, built from the TypeScript definitions. */
export function buildDashboards(opts: BuildOptions = {}): GeneratedDashboard[] {
  const database = opts.database ?? 'otel';
  const t = tablesIn(database);
  return [
    { file: 'gateway-overview.json', dashboard: gatewayOverview(t) },
    { file: 'agents-budgets.json', dashboard: agentsBudgets(t) },
    { file: 'mcp-tools.json', dashboard: mcpTools(t) },
    { file: 'run-explorer.json', dashboard: runExplorer(t, database) },
    { file: 'scenario-results.json', dashboard: scenarioResults(t) },
  ];
}

/** The file text of a dashboard: stable 2-space JSON with a final newline. */
export const renderDashboard = (d: Dashboard): string => `${JSON.stringify(d, null, 2)}\n`;

/** Writes every dashboard into `dir`; returns the files written. */
export async function writeDashboards(dir: string, opts: BuildOptions = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const out: string[] = [];
  for (const g of buildDashboards(opts)) {
    const path = join(dir, g.file);
    await writeFile(path, renderDashboard(g.dashboard));
    out.push(path);
  }
  return out;
}

export interface StaleReport {
  /** Files whose content differs from what the TypeScript produces (or that are missing). */
  stale: string[];
  /** JSON files in `dir` no dashboard produces. */
  extra: string[];
}

/** Compares `dir` with a fresh build (what `sluice dashboards build --check` and the test use). */
export async function checkDashboards(dir: string, opts: BuildOptions = {}): Promise<StaleReport> {
  const built = buildDashboards(opts);
  const stale: string[] = [];
  for (const g of built) {
    const current = await readFile(join(dir, g.file), 'utf8').catch(() => undefined);
    if (current !== renderDashboard(g.dashboard)) stale.push(g.file);
  }
  const names = new Set(built.map((g) => g.file));
  const extra = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json') && !names.has(f));
  return { stale, extra };
}
