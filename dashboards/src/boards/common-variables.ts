import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import { VariableSort, type VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { VariableQueries } from '../queries/variable-queries.js';
import { datasourceVariable, queryVariable } from '../variables.js';

export type FilterVariable = 'team' | 'agent' | 'model' | 'provider' | 'server' | 'tool';

const LABELS: Record<FilterVariable, string> = { team: 'Team', agent: 'Agent', model: 'Model', provider: 'Provider', server: 'MCP server', tool: 'Tool' };

/** The datasource variable, then the filter variables asked for, each multi-valued with "All". */
export function filterVariables(q: VariableQueries, names: readonly FilterVariable[]): Builder<VariableModel>[] {
  return [
    datasourceVariable(),
    ...names.map((name) => queryVariable({ name, label: LABELS[name], sql: q[name], multiAll: true, sort: VariableSort.AlphabeticalAsc })),
  ];
}

/** Link from a table cell to the Agent run explorer, keeping the time range. */
export const RUN_EXPLORER_LINK = { title: 'Open in Agent run explorer', url: '/d/sluice-run-explorer/agent-run-explorer?var-run=${__value.raw}&${__url_time_range}' };
