import { DashboardBuilder, DashboardCursorSync, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardLayout } from '../layout.js';
import { ERROR_COLUMN, ERROR_STEPS, LATENCY_COLUMN, LATENCY_STEPS, statPanel, steps, tablePanel, timeseriesPanel, USD_COLUMN } from '../panels.js';
import { mcpQueries } from '../queries/mcp-queries.js';
import type { Tables } from '../queries/sql-parts.js';
import { variableQueries } from '../queries/variable-queries.js';
import { filterVariables } from './common-variables.js';

export const MCP_TOOLS_UID = 'sluice-mcp-tools';

/** MCP tools: traffic, failures, latency, refusals and definition changes per server and tool. */
export function mcpTools(t: Tables): Dashboard {
  const q = mcpQueries(t);
  const dash = new DashboardBuilder('Sluice · MCP tools')
    .uid(MCP_TOOLS_UID)
    .description('Tool calls through the MCP gateway: calls per server and tool, errors, latency, refusals and tool-definition changes.')
    .tags(['sluice', 'mcp', 'tools'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .variables(filterVariables(variableQueries(t), ['team', 'agent', 'server', 'tool']));
  new DashboardLayout(dash)
    .row('Now')
    .add(statPanel({ title: 'Tool calls', description: 'tools/call requests in the range.', unit: 'short', sql: q.callsTotal }), 8, 4)
    .add(statPanel({ title: 'Tool error rate', description: 'Calls that failed: the tool reported an error, timed out or its server faulted.', unit: 'percentunit', decimals: 2, thresholds: ERROR_STEPS(), sql: q.errorRatioTotal }), 8, 4)
    .add(statPanel({ title: 'Tool-definition changes', description: 'Times a tool’s definition differed from the pinned one (possible rug pull).', unit: 'short', thresholds: steps('green', [1, 'red']), sql: q.definitionChangesTotal }), 8, 4)
    .row('Traffic and errors')
    .add(timeseriesPanel({ title: 'Calls per second by server / tool', description: 'tools/call rate per upstream server and tool.', unit: 'reqps', stack: true, targets: [{ sql: q.callsPerSecond }] }), 12, 8)
    .add(timeseriesPanel({ title: 'Error rate by server', description: 'Failed tool calls over all tool calls, per server.', unit: 'percentunit', thresholds: ERROR_STEPS(), targets: [{ sql: q.errorRatioByServer }] }), 12, 8)
    .row('Latency')
    .add(timeseriesPanel({ title: 'Tool latency p50 / p95 / p99', description: 'Duration of tool calls at the gateway, upstream time included.', unit: 'ms', thresholds: LATENCY_STEPS(), legendCalcs: ['mean', 'max'], targets: [{ sql: q.latencyPercentiles }] }), 10, 8)
    .add(
      tablePanel({
        title: 'Slowest tools',
        description: 'Tools by p95 latency, with their error rate.',
        sql: q.slowestTools,
        fields: { p50_ms: LATENCY_COLUMN(), p95_ms: LATENCY_COLUMN(), p99_ms: LATENCY_COLUMN(), max_ms: LATENCY_COLUMN(), error_ratio: ERROR_COLUMN() },
      }),
      14,
      8,
    )
    .row('Governance')
    .add(timeseriesPanel({ title: 'Tool-call refusals by reason', description: 'Tool calls refused by the access policy, a rate limit, a blocked definition or a guardrail.', unit: 'short', bars: true, stack: true, targets: [{ sql: q.refusals }] }), 10, 8)
    .add(
      tablePanel({
        title: 'Tool-definition changes',
        description: 'A tool whose definition (description, schema) no longer matches its pinned fingerprint; calls to it are blocked until approved.',
        sql: q.definitionChanges,
        fields: { time: { unit: 'dateTimeAsLocal' } },
      }),
      14,
      8,
    )
    .row('Agents')
    .add(tablePanel({ title: 'Tool calls by agent', description: 'Who calls which tools, how often, how fast, at what cost.', sql: q.callsByAgent, fields: { p95_ms: LATENCY_COLUMN(), cost_usd: USD_COLUMN() } }), 24, 8);
  return dash.build();
}
