import type { Expectation } from '../format/expectation-schema.js';
import type { Percentiles } from './histogram.js';
import type { ExpectationResult, ScenarioReport } from './report-types.js';

/**
 * Checks a report against the scenario's expectations. Pure. A latency expectation without
 * `step` takes the worst step (for `step_ms`) or all calls (TTFT, TPOT); a step that does
 * not exist fails its expectation rather than passing silently.
 */

const errorTypeMatches = (type: string, wanted: string): boolean => type === wanted || type.startsWith(`${wanted}:`);

function latency(r: ScenarioReport, e: Extract<Expectation, { stat: string }>): number | undefined {
  const pick = (p: Percentiles | undefined) => (p && p.count > 0 ? p[e.stat] : undefined);
  const step = e.step !== undefined ? r.steps[e.step] : undefined;
  if (e.step !== undefined && !step) return undefined;
  switch (e.metric) {
    case 'ttft_ms':
      return pick(step ? step.ttftMs : r.totals.ttftMs);
    case 'tpot_ms':
      return pick(step ? step.tpotMs : r.totals.tpotMs);
    case 'run_ms':
      return pick(r.runs.latencyMs);
    case 'step_ms': {
      if (step) return pick(step.latencyMs);
      const all = Object.values(r.steps).map((s) => pick(s.latencyMs)).filter((v): v is number => v !== undefined);
      return all.length > 0 ? Math.max(...all) : undefined;
    }
  }
}

function actualOf(r: ScenarioReport, e: Expectation): number | undefined {
  if ('stat' in e) return latency(r, e);
  const step = e.step !== undefined ? r.steps[e.step] : undefined;
  if (e.step !== undefined && !step) return undefined;
  switch (e.metric) {
    case 'error_rate':
      return step ? step.errorRate : r.totals.errorRate;
    case 'run_error_rate':
      return r.runs.errorRate;
    case 'cost_per_run_usd':
      return r.cost.perRunUsd;
    case 'cost_usd':
      return r.cost.totalUsd;
    case 'runs_per_sec':
      return r.load.achievedRunsPerSec;
    case 'completed_runs':
      return r.load.completedRuns;
    case 'backup_calls':
      return r.gatewayView?.servedByBackup;
    case 'cache_hit_rate':
      return r.gatewayView && r.gatewayView.llmCalls > 0 ? r.gatewayView.cacheHits / r.gatewayView.llmCalls : undefined;
    case 'output_tokens':
      return step ? step.outputTokens : r.totals.outputTokens;
    case 'error_count':
      return r.errors
        .filter((x) => (e.errorType === undefined || errorTypeMatches(x.type, e.errorType)) && (e.step === undefined || x.step === e.step))
        .reduce((sum, x) => sum + x.count, 0);
  }
}

function describe(e: Expectation): string {
  const subject = 'stat' in e ? `${e.stat}(${e.metric}${e.step ? `, ${e.step}` : ''})` : `${e.metric}${'errorType' in e && e.errorType ? `[${e.errorType}]` : ''}${e.step ? `(${e.step})` : ''}`;
  const bounds = [e.min !== undefined ? `>= ${e.min}` : '', e.max !== undefined ? `<= ${e.max}` : ''].filter(Boolean).join(' and ');
  return `${subject} ${bounds}`;
}

export function evaluateExpectations(r: ScenarioReport, expectations: readonly Expectation[]): ExpectationResult[] {
  return expectations.map((e) => {
    const actual = actualOf(r, e);
    if (actual === undefined) return { description: `${describe(e)} (no data${e.step ? ` for step "${e.step}"` : ''})`, actual: null, ok: false };
    const ok = (e.max === undefined || actual <= e.max) && (e.min === undefined || actual >= e.min);
    return { description: describe(e), actual: Math.round(actual * 1e6) / 1e6, ok };
  });
}
