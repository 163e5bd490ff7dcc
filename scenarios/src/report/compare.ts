import { ScenarioError } from '../format/scenario-error.js';
import { REPORT_VERSION, type CompareThresholds, type Comparison, type Regression, type ScenarioReport } from './report-types.js';

/**
 * Current run versus a baseline report: latencies per step and per run, error rates, cost
 * and throughput. A change counts only past a relative threshold and (latencies) an
 * absolute one, so run-to-run noise on fast steps is not called a regression. Pure.
 */

export const DEFAULT_THRESHOLDS: CompareThresholds = { relative: 0.2, minAbsMs: 5, errorRatePoints: 0.01 };

interface Probe {
  metric: string;
  baseline: number;
  current: number;
  /** `higher`: higher is worse (latency, errors, cost); `lower`: lower is worse (throughput). */
  worse: 'higher' | 'lower';
  kind: 'latency' | 'rate' | 'value';
}

function probes(b: ScenarioReport, c: ScenarioReport): Probe[] {
  const out: Probe[] = [];
  const lat = (metric: string, bv: number | undefined, cv: number | undefined) => {
    if (bv !== undefined && cv !== undefined) out.push({ metric, baseline: bv, current: cv, worse: 'higher', kind: 'latency' });
  };
  for (const stat of ['p50', 'p95', 'p99'] as const) lat(`run ${stat} latency ms`, b.runs.latencyMs[stat], c.runs.latencyMs[stat]);
  if (b.totals.ttftMs.count > 0 && c.totals.ttftMs.count > 0) lat('p95 TTFT ms (all calls)', b.totals.ttftMs.p95, c.totals.ttftMs.p95);
  for (const [name, cs] of Object.entries(c.steps)) {
    const bs = b.steps[name];
    if (!bs || bs.calls === 0 || cs.calls === 0) continue;
    for (const stat of ['p50', 'p95', 'p99'] as const) lat(`${name}: ${stat} latency ms`, bs.latencyMs[stat], cs.latencyMs[stat]);
    if (bs.ttftMs && cs.ttftMs) {
      lat(`${name}: p50 TTFT ms`, bs.ttftMs.p50, cs.ttftMs.p50);
      lat(`${name}: p95 TTFT ms`, bs.ttftMs.p95, cs.ttftMs.p95);
    }
    if (bs.tpotMs && cs.tpotMs) lat(`${name}: p95 TPOT ms`, bs.tpotMs.p95, cs.tpotMs.p95);
    out.push({ metric: `${name}: error rate`, baseline: bs.errorRate, current: cs.errorRate, worse: 'higher', kind: 'rate' });
  }
  out.push({ metric: 'call error rate', baseline: b.totals.errorRate, current: c.totals.errorRate, worse: 'higher', kind: 'rate' });
  out.push({ metric: 'run error rate', baseline: b.runs.errorRate, current: c.runs.errorRate, worse: 'higher', kind: 'rate' });
  if (b.cost.source !== 'unknown' && c.cost.source !== 'unknown') out.push({ metric: 'cost per run USD', baseline: b.cost.perRunUsd, current: c.cost.perRunUsd, worse: 'higher', kind: 'value' });
  out.push({ metric: 'runs per second', baseline: b.load.achievedRunsPerSec, current: c.load.achievedRunsPerSec, worse: 'lower', kind: 'value' });
  return out;
}

function judge(p: Probe, t: CompareThresholds): Regression | undefined {
  const delta = p.current - p.baseline;
  const change = p.baseline !== 0 ? delta / p.baseline : delta === 0 ? 0 : Number.POSITIVE_INFINITY * Math.sign(delta);
  let significant: boolean;
  if (p.kind === 'rate') significant = Math.abs(delta) > t.errorRatePoints;
  else if (p.kind === 'latency') significant = Math.abs(change) > t.relative && Math.abs(delta) > t.minAbsMs;
  else significant = Math.abs(change) > t.relative;
  if (!significant) return undefined;
  const worse = p.worse === 'higher' ? delta > 0 : delta < 0;
  const rounded = Number.isFinite(change) ? Math.round(change * 1000) / 1000 : change > 0 ? 1e9 : -1e9;
  return { metric: p.metric, baseline: p.baseline, current: p.current, change: rounded, severity: worse ? 'regression' : 'improvement' };
}

export function compareReports(baseline: ScenarioReport, current: ScenarioReport, thresholds: CompareThresholds = DEFAULT_THRESHOLDS): Comparison {
  const warnings: string[] = [];
  if (baseline.scenario !== current.scenario) warnings.push(`baseline is of scenario "${baseline.scenario}", this run is "${current.scenario}"`);
  if (baseline.speed !== current.speed) warnings.push(`baseline ran at ${baseline.speed}x, this run at ${current.speed}x: latencies are not comparable`);
  if (baseline.load.model !== current.load.model) warnings.push(`load models differ (${baseline.load.model} vs ${current.load.model})`);
  const judged = probes(baseline, current).map((p) => judge(p, thresholds)).filter((r): r is Regression => r !== undefined);
  return {
    baselineExecution: baseline.execution,
    regressions: judged.filter((r) => r.severity === 'regression'),
    improvements: judged.filter((r) => r.severity === 'improvement'),
    thresholds,
    warnings,
  };
}

/** Checks that a parsed JSON value is a report this version can compare against. */
export function asReport(value: unknown, source: string): ScenarioReport {
  const r = value as Partial<ScenarioReport> | null;
  if (!r || typeof r !== 'object' || r.version !== REPORT_VERSION || typeof r.scenario !== 'string' || !r.runs || !r.totals || !r.steps || !r.load || !r.cost) {
    throw new ScenarioError('SCN_REPORT_INVALID', `${source} is not a scenario report (version ${REPORT_VERSION})`);
  }
  return r as ScenarioReport;
}
