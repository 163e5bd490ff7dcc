import { DashboardBuilder, DashboardCursorSync, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardLayout } from '../layout.js';
import { COLOR_TEXT, ERROR_COLUMN, LATENCY_COLUMN, steps, tablePanel, timeseriesPanel, USD_COLUMN } from '../panels.js';
import { agentsQueries } from '../queries/agents-queries.js';
import type { Tables } from '../queries/sql-parts.js';
import { variableQueries } from '../queries/variable-queries.js';
import { filterVariables, RUN_EXPLORER_LINK } from './common-variables.js';

export const AGENTS_BUDGETS_UID = 'sluice-agents-budgets';

/** Agents and budgets: who spends what, how much is left, who was refused and why. */
export function agentsBudgets(t: Tables): Dashboard {
  const q = agentsQueries(t);
  const dash = new DashboardBuilder('Sluice · Agents and budgets')
    .uid(AGENTS_BUDGETS_UID)
    .description('Spend per agent and team against their budgets (remaining, burn rate, projected exhaustion), refusals by budget, rate limit and policy, and the most expensive runs.')
    .tags(['sluice', 'budgets', 'agents'])
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .variables(filterVariables(variableQueries(t), ['team', 'agent']));
  new DashboardLayout(dash)
    .row('Spend')
    .add(timeseriesPanel({ title: 'Spend by agent', description: 'LLM and tool-call cost per interval, per agent.', unit: 'currencyUSD', decimals: 4, bars: true, stack: true, targets: [{ sql: q.spendByAgent }] }), 12, 8)
    .add(timeseriesPanel({ title: 'Spend by team', description: 'LLM and tool-call cost per interval, per team.', unit: 'currencyUSD', decimals: 4, bars: true, stack: true, targets: [{ sql: q.spendByTeam }] }), 12, 8)
    .row('Budgets')
    .add(
      tablePanel({
        title: 'Budgets: spend, remaining, burn rate, projected exhaustion',
        description:
          'Per budget and agent: spent in the range, what the budget had left after the last charge, the last hour’s spend (burn rate) and the time until it runs out at that rate. Empty exhaustion: nothing spent in the last hour.',
        sql: q.budgets,
        fields: {
          spent_usd: { ...USD_COLUMN(), displayName: 'spent' },
          remaining_usd: { ...USD_COLUMN(), displayName: 'remaining', thresholds: steps('red', [0.01, 'orange'], [1, 'green']), cellOptions: COLOR_TEXT },
          burn_usd_per_h: { unit: 'currencyUSD', decimals: 4, displayName: 'burn rate (USD/h)' },
          exhausted_in_s: { unit: 's', displayName: 'exhausted in', thresholds: steps('red', [3600, 'orange'], [86_400, 'green']), cellOptions: COLOR_TEXT },
          last_charge: { unit: 'dateTimeAsLocal' },
        },
      }),
      14,
      9,
    )
    .add(timeseriesPanel({ title: 'Budget remaining', description: 'What each budget had left after each charge (per agent).', unit: 'currencyUSD', decimals: 4, min: 0, targets: [{ sql: q.budgetRemaining }] }), 10, 9)
    .row('Refusals')
    .add(timeseriesPanel({ title: 'Refusals by reason', description: 'Calls refused by a budget, a rate limit, the access policy (RBAC), a blocked tool or a guardrail.', unit: 'short', bars: true, stack: true, targets: [{ sql: q.refusalsOverTime }] }), 10, 8)
    .add(tablePanel({ title: 'Refusals by agent', description: 'Who was refused, why, by which budget, limit or rule, for which model or tool.', sql: q.refusalsTable, fields: { last_refused: { unit: 'dateTimeAsLocal' } } }), 14, 8)
    .row('Agents and runs')
    .add(
      tablePanel({
        title: 'Agents',
        description: 'Calls, error rate, p95 latency, tokens and cost per agent.',
        sql: q.agentsTable,
        fields: { error_ratio: ERROR_COLUMN(), p95_ms: LATENCY_COLUMN(), cost_usd: USD_COLUMN() },
      }),
      12,
      9,
    )
    .add(
      tablePanel({
        title: 'Most expensive runs',
        description: 'Agent runs (a conversation, else one trace) by cost. Click a run to open it in the Agent run explorer.',
        sql: q.expensiveRuns,
        fields: { run: { links: [RUN_EXPLORER_LINK] }, cost_usd: USD_COLUMN(), started: { unit: 'dateTimeAsLocal' } },
      }),
      12,
      9,
    );
  return dash.build();
}
