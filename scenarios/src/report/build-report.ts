import type { Metrics } from '../runner/metrics.js';
import type { GeneratorOverhead } from '../runner/overhead.js';
import { newHistogram, percentilesOf } from './histogram.js';
import { REPORT_VERSION, type CostReport, type GatewayView, type ScenarioReport, type StepReport } from './report-types.js';

/** Turns the runner's aggregates into the report (expectations and comparison come later). */

export interface ReportInput {
  scenario: string;
  execution: string;
  startedAt: Date;
  speed: number;
  gateway: { url: string; inProcess: boolean };
  loadModel: 'open' | 'closed' | 'schedule';
  scheduledRuns: number;
  durationMs: number;
  targetRunsPerSec?: number;
  /** Planned length of the arrival phase (open and schedule models). */
  plannedArrivalMs?: number;
  metrics: Metrics;
  overhead: GeneratorOverhead;
  cost: CostReport;
  gatewayView?: GatewayView;
}

const rate = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 1e6) / 1e6 : 0);
const perSec = (n: number, ms: number): number => (ms > 0 ? Math.round((n / (ms / 1000)) * 1000) / 1000 : 0);

function stepReports(m: Metrics): Record<string, StepReport> {
  const out: Record<string, StepReport> = {};
  for (const [name, s] of [...m.steps].sort((a, b) => a[0].localeCompare(b[0]))) {
    const r: StepReport = {
      kind: s.kind,
      calls: s.calls,
      errors: s.errors,
      errorRate: rate(s.errors, s.calls),
      latencyMs: percentilesOf(s.latency),
      inputTokens: s.inputTokens,
      outputTokens: s.outputTokens,
    };
    if (s.ttft.totalCount > 0) r.ttftMs = percentilesOf(s.ttft);
    if (s.tpot.totalCount > 0) r.tpotMs = percentilesOf(s.tpot);
    out[name] = r;
  }
  return out;
}

export function buildReport(i: ReportInput): ScenarioReport {
  const m = i.metrics;
  const ttft = newHistogram();
  const tpot = newHistogram();
  for (const s of m.steps.values()) {
    ttft.add(s.ttft);
    tpot.add(s.tpot);
  }
  const llmCalls = m.callsDone - m.toolCalls;
  // Open/schedule: runs per second of the arrival phase (not diluted by the drain at the end).
  const arrivalMs = i.loadModel === 'closed' ? i.durationMs : Math.max(i.plannedArrivalMs ?? 0, m.lastRunStartMs, 1);
  const report: ScenarioReport = {
    version: REPORT_VERSION,
    scenario: i.scenario,
    execution: i.execution,
    startedAt: i.startedAt.toISOString(),
    speed: i.speed,
    gateway: i.gateway,
    load: {
      model: i.loadModel,
      scheduledRuns: i.scheduledRuns,
      completedRuns: m.runsDone - m.runsFailed,
      failedRuns: m.runsFailed,
      abandonedRuns: m.runsAbandoned,
      droppedRuns: m.droppedArrivals,
      durationMs: Math.round(i.durationMs),
      ...(i.targetRunsPerSec !== undefined ? { targetRunsPerSec: Math.round(i.targetRunsPerSec * 1000) / 1000 } : {}),
      achievedRunsPerSec: perSec(m.runsDone, arrivalMs),
    },
    runs: { latencyMs: percentilesOf(m.runLatency), errorRate: rate(m.runsFailed + m.droppedArrivals, m.runsDone + m.droppedArrivals) },
    steps: stepReports(m),
    totals: {
      llmCalls,
      toolCalls: m.toolCalls,
      errors: m.callErrors,
      errorRate: rate(m.callErrors, m.callsDone),
      inputTokens: m.inputTokens,
      outputTokens: m.outputTokens,
      callsPerSec: perSec(m.callsDone, i.durationMs),
      outputTokensPerSec: perSec(m.outputTokens, i.durationMs),
      ttftMs: percentilesOf(ttft),
      tpotMs: percentilesOf(tpot),
    },
    errors: [...m.errors.values()].sort((a, b) => b.count - a.count).map((e) => ({ type: e.type, step: e.step, count: e.count })),
    cost: i.cost,
    generator: {
      ...i.overhead,
      startLagMs: percentilesOf(m.startLag),
      clientBusyMsPerCall: llmCalls > 0 ? Math.round((m.clientBusyMs / llmCalls) * 1000) / 1000 : 0,
      clientBusyCoreShare: i.durationMs > 0 ? Math.round((m.clientBusyMs / i.durationMs) * 1000) / 1000 : 0,
      note: i.gateway.inProcess
        ? 'the gateway and simulators ran in this process: CPU and event-loop figures include them'
        : 'figures are the load generator alone',
    },
    timeline: [...m.timeline].sort((a, b) => a[0] - b[0]).map(([second, b]) => ({ second, ...b })),
    expectations: [],
    passed: true,
  };
  if (i.gatewayView) report.gatewayView = i.gatewayView;
  return report;
}
