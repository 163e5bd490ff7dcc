import { DashboardBuilder, DashboardCursorSync, type Dashboard, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardLayout } from '../layout.js';
import { barChartPanel, ERROR_COLUMN, ERROR_STEPS, LATENCY_COLUMN, LATENCY_STEPS, tablePanel, timeseriesPanel, USD_COLUMN, COLOR_TEXT, steps } from '../panels.js';
import { scenarioQueries } from '../queries/scenario-queries.js';
import type { Tables } from '../queries/sql-parts.js';
import { variableQueries } from '../queries/variable-queries.js';
import { datasourceVariable, queryVariable } from '../variables.js';

export const SCENARIO_RESULTS_UID = 'sluice-scenario-results';

/** Scenario results: runs of one scenario side by side, and a run against its baseline. */
export function scenarioResults(t: Tables): Dashboard {
  const q = scenarioQueries(t);
  const v = variableQueries(t);
  const dash = new DashboardBuilder('Sluice · Scenario results')
    .uid(SCENARIO_RESULTS_UID)
    .description('Runs of a scenario (`sluice scenario run`) side by side: latency percentiles, error rate and cost; and one run against its baseline.')
    .tags(['sluice', 'scenarios'])
    .time({ from: 'now-7d', to: 'now' })
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .variables([
      datasourceVariable(),
      queryVariable({ name: 'scenario', label: 'Scenario', sql: v.scenario, sort: VariableSort.AlphabeticalAsc }),
      queryVariable({ name: 'runs', label: 'Runs', sql: v.scenarioRun, multiAll: true, description: 'Runs shown side by side.' }),
      queryVariable({ name: 'run', label: 'Run', sql: v.scenarioRun, description: 'The run to judge (newest first).' }),
      queryVariable({ name: 'baseline', label: 'Baseline', sql: v.baselineRun, description: 'The run to compare it with (oldest first).' }),
    ]);
  new DashboardLayout(dash)
    .row('Runs side by side')
    .add(
      tablePanel({
        title: 'Runs',
        description: 'Each run of the scenario: calls, error rate, latency and TTFT percentiles, tokens, cost.',
        sql: q.runs,
        fields: { started: { unit: 'dateTimeAsLocal' }, error_ratio: ERROR_COLUMN(), p50_ms: LATENCY_COLUMN(), p95_ms: LATENCY_COLUMN(), p99_ms: LATENCY_COLUMN(), ttft_p95_ms: LATENCY_COLUMN(), cost_usd: USD_COLUMN() },
      }),
      24,
      7,
    )
    .add(barChartPanel({ title: 'Latency percentiles by run', description: 'p50, p95 and p99 of each run.', unit: 'ms', thresholds: LATENCY_STEPS(), xField: 'run_id', sql: q.latencyByRun }), 12, 8)
    .add(barChartPanel({ title: 'Error rate by run', description: 'Failed calls over all calls of each run.', unit: 'percentunit', thresholds: ERROR_STEPS(), xField: 'run_id', sql: q.errorRatioByRun }), 6, 8)
    .add(barChartPanel({ title: 'Cost by run', description: 'What each run cost.', unit: 'currencyUSD', decimals: 4, xField: 'run_id', sql: q.costByRun }), 6, 8)
    .add(timeseriesPanel({ title: 'p95 latency over time by run', description: 'How latency moved during each run.', unit: 'ms', thresholds: LATENCY_STEPS(), targets: [{ sql: q.latencyOverTime }] }), 24, 8)
    .row('Run vs baseline')
    .add(
      tablePanel({
        title: 'Run vs baseline',
        description: 'Each metric for the run and the baseline, and the relative change (red: more than 10 % worse for latency, errors and cost).',
        sql: q.runVsBaseline,
        fields: { run: { decimals: 4 }, baseline: { decimals: 4 }, change: { unit: 'percentunit', decimals: 1, thresholds: steps('green', [0.1, 'red']), cellOptions: COLOR_TEXT } },
      }),
      24,
      9,
    );
  return dash.build();
}
