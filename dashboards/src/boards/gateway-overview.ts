import { DashboardBuilder, DashboardCursorSync, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardLayout } from '../layout.js';
import { barGaugePanel, ERROR_COLUMN, ERROR_STEPS, LATENCY_COLUMN, LATENCY_STEPS, statPanel, steps, tablePanel, timeseriesPanel } from '../panels.js';
import { overviewQueries } from '../queries/overview-queries.js';
import type { Tables } from '../queries/sql-parts.js';
import { variableQueries } from '../queries/variable-queries.js';
import { filterVariables } from './common-variables.js';

export const GATEWAY_OVERVIEW_UID = 'sluice-gateway-overview';

/** Gateway overview: what every SRE looks at first. */
export function gatewayOverview(t: Tables): Dashboard {
  const q = overviewQueries(t);
  const dash = new DashboardBuilder('Sluice · Gateway overview')
    .uid(GATEWAY_OVERVIEW_UID)
    .description('LLM traffic through the gateway: rate, errors, latency, tokens, cost, cache, guardrails, failover and upstream health, from the per-call spans in ClickHouse.')
    .tags(['sluice', 'llm', 'gateway'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .variables(filterVariables(variableQueries(t), ['team', 'agent', 'provider', 'model']));
  new DashboardLayout(dash)
    .row('Now')
    .add(statPanel({ title: 'Requests', description: 'LLM calls in the time range.', unit: 'short', sql: q.requestsTotal }), 4, 4)
    .add(statPanel({ title: 'Error rate', description: 'Share of calls that failed (errors and refusals).', unit: 'percentunit', decimals: 2, thresholds: ERROR_STEPS(), sql: q.errorRatioTotal }), 4, 4)
    .add(statPanel({ title: 'p95 latency', description: '95th percentile of the whole call, as the agent saw it.', unit: 'ms', thresholds: LATENCY_STEPS(), sql: q.p95Total }), 4, 4)
    .add(statPanel({ title: 'Cost', description: 'What the calls cost at the configured prices.', unit: 'currencyUSD', decimals: 4, sql: q.costTotal }), 4, 4)
    .add(statPanel({ title: 'Tokens', description: 'Input plus output tokens.', unit: 'short', sql: q.tokensTotal }), 4, 4)
    .add(statPanel({ title: 'Cache hit rate', description: 'Share of calls the gateway cache answered.', unit: 'percentunit', decimals: 1, thresholds: steps('blue'), sql: q.cacheHitRatioTotal }), 4, 4)
    .row('Traffic and errors')
    .add(timeseriesPanel({ title: 'Requests per second', description: 'LLM calls per second by outcome.', unit: 'reqps', stack: true, targets: [{ sql: q.requestsPerSecond }] }), 8, 8)
    .add(timeseriesPanel({ title: 'Requests per second by client API', description: 'LLM calls per second by the API the agent spoke: OpenAI chat completions (openai) or Anthropic Messages (anthropic).', unit: 'reqps', stack: true, targets: [{ sql: q.requestsByApi }] }), 8, 8)
    .add(timeseriesPanel({ title: 'Error rate by type', description: 'Failed calls of each error type (error.type) over all calls of the interval.', unit: 'percentunit', stack: true, thresholds: ERROR_STEPS(), targets: [{ sql: q.errorRatioByType }] }), 8, 8)
    .row('Latency')
    .add(timeseriesPanel({ title: 'Latency p50 / p95 / p99', description: 'Whole-call duration at the gateway.', unit: 'ms', thresholds: LATENCY_STEPS(), legendCalcs: ['mean', 'max'], targets: [{ sql: q.latencyPercentiles }] }), 8, 8)
    .add(timeseriesPanel({ title: 'Time to first token by model · provider', description: 'TTFT of streamed calls, p50 and p95.', unit: 'ms', legendCalcs: ['mean', 'max'], targets: [{ sql: q.ttftByModel }] }), 8, 8)
    .add(timeseriesPanel({ title: 'Time per output token by model · provider', description: 'TPOT of streamed calls, p50 and p95.', unit: 'ms', legendCalcs: ['mean', 'max'], targets: [{ sql: q.tpotByModel }] }), 8, 8)
    .add(
      tablePanel({
        title: 'Latency by model and provider',
        description: 'Percentiles of the whole call, of TTFT and of TPOT.',
        sql: q.latencyByModelTable,
        fields: Object.fromEntries(['p50_ms', 'p95_ms', 'p99_ms', 'ttft_p50_ms', 'ttft_p95_ms', 'ttft_p99_ms', 'tpot_p50_ms', 'tpot_p95_ms'].map((c) => [c, LATENCY_COLUMN()])),
      }),
      24,
      7,
    )
    .row('Tokens and cost')
    .add(timeseriesPanel({ title: 'Tokens per interval', description: 'Input, output and cached input tokens (cached ⊂ input).', unit: 'short', bars: true, targets: [{ sql: q.tokensPerInterval }] }), 8, 8)
    .add(timeseriesPanel({ title: 'Cost per interval by model', description: 'Spend per interval at the configured prices.', unit: 'currencyUSD', bars: true, stack: true, decimals: 4, targets: [{ sql: q.costPerInterval }] }), 8, 8)
    .add(barGaugePanel({ title: 'Top agents by cost', description: 'The ten agents that spent most in the range.', unit: 'currencyUSD', decimals: 4, sql: q.topAgentsByCost }), 4, 8)
    .add(barGaugePanel({ title: 'Top models by cost', description: 'The ten models that cost most in the range.', unit: 'currencyUSD', decimals: 4, sql: q.topModelsByCost }), 4, 8)
    .row('Cache and guardrails')
    .add(statPanel({ title: 'Cost saved by the cache', description: 'What the calls the cache answered would have cost.', unit: 'currencyUSD', decimals: 4, thresholds: steps('green'), sql: q.cacheSavedTotal }), 4, 8)
    .add(
      timeseriesPanel({
        title: 'Cache hit rate and cost saved',
        description: 'Share of calls answered from the gateway cache, and the cost that saved.',
        unit: 'percentunit',
        min: 0,
        targets: [{ sql: q.cacheOverTime }],
        fields: { saved_usd: { unit: 'currencyUSD', decimals: 4, axisRight: true, displayName: 'cost saved' }, hit_ratio: { displayName: 'hit rate' } },
      }),
      8,
      8,
    )
    .add(timeseriesPanel({ title: 'Guardrail hits by rule', description: 'Requests (LLM and tool calls) each guardrail rule matched.', unit: 'short', bars: true, stack: true, targets: [{ sql: q.guardrailHitsByRule }] }), 6, 8)
    .add(tablePanel({ title: 'Guardrail rules and actions', description: 'Which rules fired together and what was done (mask, flag, reject).', sql: q.guardrailRulesAndActions, sortBy: { column: 'requests', desc: true }, fields: { last_seen: { unit: 'dateTimeAsLocal' } } }), 6, 8)
    .row('Failover and upstreams')
    .add(
      timeseriesPanel({
        title: 'Failovers',
        description: 'Calls served by a backup target, calls retried, and targets skipped because their breaker was open (ejections).',
        unit: 'short',
        bars: true,
        targets: [{ sql: q.failovers }, { sql: q.breakerEjections }],
      }),
      8,
      8,
    )
    .add(timeseriesPanel({ title: 'Upstream error rate by target', description: 'Failed upstream attempts (CLIENT spans) per target.', unit: 'percentunit', thresholds: ERROR_STEPS(), targets: [{ sql: q.upstreamErrorRatio }] }), 8, 8)
    .add(
      tablePanel({
        title: 'Upstream health',
        description: 'Every upstream target tried: attempts, error rate, p95, breaker probes and the last error.',
        sql: q.upstreamHealth,
        fields: { error_ratio: ERROR_COLUMN(), p95_ms: LATENCY_COLUMN(), last_attempt: { unit: 'dateTimeAsLocal' }, last_error: { displayName: 'last error' } },
      }),
      8,
      8,
    );
  return dash.build();
}
