import { DashboardBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardLayout } from '../layout.js';
import { LATENCY_COLUMN, statPanel, tablePanel, traceViewPanel, USD_COLUMN } from '../panels.js';
import { runQueries } from '../queries/run-queries.js';
import type { Tables } from '../queries/sql-parts.js';
import { variableQueries } from '../queries/variable-queries.js';
import { datasourceVariable, queryVariable } from '../variables.js';

export const RUN_EXPLORER_UID = 'sluice-run-explorer';

/** Agent run explorer: one run's waterfall and its LLM and tool steps. */
export function runExplorer(t: Tables, database: string): Dashboard {
  const q = runQueries(t);
  const v = variableQueries(t);
  const dash = new DashboardBuilder('Sluice · Agent run explorer')
    .uid(RUN_EXPLORER_UID)
    .description('Pick an agent run (a conversation id, or the trace of a single call) to see its waterfall and every LLM and tool step with tokens, cost and timing.')
    .tags(['sluice', 'traces', 'agents'])
    .time({ from: 'now-24h', to: 'now' })
    .timezone('browser')
    .variables([
      datasourceVariable(),
      queryVariable({ name: 'agent', label: 'Agent', sql: v.anyAgent, multiAll: true }),
      queryVariable({ name: 'run', label: 'Run', sql: v.run, description: 'Conversation id (x-sluice-conversation-id / x-sluice-run-id), or the trace id of a call without one; newest first.' }),
      queryVariable({ name: 'trace_id', label: 'Trace', sql: v.traceId, description: 'A trace of the run, shown in the waterfall.' }),
    ]);
  new DashboardLayout(dash)
    .row('Run')
    .add(
      statPanel({
        title: 'Run summary',
        description: 'Steps, errors, tokens, cost and wall time of the whole run.',
        unit: 'short',
        sql: q.summary,
        fields: { cost_usd: { ...USD_COLUMN(), displayName: 'cost' }, wall_ms: { unit: 'ms', displayName: 'wall time' } },
      }),
      24,
      4,
    )
    .add(traceViewPanel({ title: 'Waterfall', description: 'The selected trace: the agent’s own spans (when it sends traceparent), the gateway’s SERVER spans and every upstream attempt.', sql: q.trace, database, table: 'otel_traces' }), 24, 14)
    .add(
      tablePanel({
        title: 'Steps',
        description: 'Every LLM and tool call of the run in order: offset from the run’s start, duration, TTFT, tokens, cost, outcome.',
        sql: q.steps,
        fields: { time: { unit: 'dateTimeAsLocal' }, offset_ms: { unit: 'ms' }, duration_ms: LATENCY_COLUMN(), ttft_ms: { unit: 'ms', decimals: 1 }, cost_usd: USD_COLUMN() },
      }),
      24,
      10,
    )
    .add(tablePanel({ title: 'Traces of the run', description: 'Each trace of the run; pick one in the Trace variable to see its waterfall.', sql: q.traces, fields: { started: { unit: 'dateTimeAsLocal' }, duration_ms: { unit: 'ms', decimals: 1 } } }), 24, 6);
  return dash.build();
}
