import { describe, expect, it } from 'vitest';
import { parseScenario } from '../format/load-file.js';
import { asReport, compareReports } from './compare.js';
import { evaluateExpectations } from './expectations.js';
import type { Percentiles } from './histogram.js';
import { REPORT_VERSION, type ScenarioReport } from './report-types.js';

const p = (p50: number, p95 = p50 * 1.5, count = 100): Percentiles => ({ count, mean: p50, p50, p90: p95 * 0.9, p95, p99: p95 * 1.2, max: p95 * 1.5 });

function report(o: { answerP50?: number; ttftP95?: number; errorRate?: number; costPerRun?: number; runsPerSec?: number } = {}): ScenarioReport {
  const answer = p(o.answerP50 ?? 200);
  const ttft = p((o.ttftP95 ?? 120) / 1.5);
  return {
    version: REPORT_VERSION, scenario: 's', execution: 'e1', startedAt: '2026-01-01T00:00:00.000Z', speed: 1,
    gateway: { url: 'http://127.0.0.1:1', inProcess: true },
    load: { model: 'open', scheduledRuns: 100, completedRuns: 100, failedRuns: 0, abandonedRuns: 0, droppedRuns: 0, durationMs: 10_000, achievedRunsPerSec: o.runsPerSec ?? 10 },
    runs: { latencyMs: p(400), errorRate: o.errorRate ?? 0 },
    steps: {
      answer: { kind: 'llm', calls: 100, errors: 0, errorRate: o.errorRate ?? 0, latencyMs: answer, ttftMs: ttft, tpotMs: p(10), inputTokens: 1000, outputTokens: 3000 },
      lookup: { kind: 'tool', calls: 100, errors: 0, errorRate: 0, latencyMs: p(50), inputTokens: 0, outputTokens: 0 },
    },
    totals: { llmCalls: 100, toolCalls: 100, errors: 0, errorRate: o.errorRate ?? 0, inputTokens: 1000, outputTokens: 3000, callsPerSec: 20, outputTokensPerSec: 300, ttftMs: ttft, tpotMs: p(10) },
    errors: o.errorRate ? [{ type: 'http_502:upstream_error', step: 'answer', count: 5 }, { type: 'http_429:budget_exceeded', step: 'answer', count: 2 }] : [],
    cost: { totalUsd: (o.costPerRun ?? 0.001) * 100, perRunUsd: o.costPerRun ?? 0.001, source: 'estimate', unpricedModels: [] },
    generator: { eventLoopDelayMs: { mean: 1, p50: 1, p99: 2, max: 3 }, cpuMs: 100, cpuMsPerCall: 0.5, cpuCoreShare: 0.01, maxRssMb: 100, startLagMs: p(0.1), clientBusyMsPerCall: 0.1, clientBusyCoreShare: 0.01, note: '' },
    timeline: [], expectations: [], passed: true,
  };
}

describe('baseline comparison', () => {
  it('flags an injected latency regression and names the step', () => {
    const c = compareReports(report(), report({ answerP50: 400, ttftP95: 600 }));
    const metrics = c.regressions.map((r) => r.metric);
    expect(metrics).toEqual(expect.arrayContaining(['answer: p50 latency ms', 'answer: p95 TTFT ms', 'p95 TTFT ms (all calls)']));
    expect(metrics.some((m) => m.startsWith('lookup'))).toBe(false);
    expect(c.regressions.find((r) => r.metric === 'answer: p50 latency ms')).toMatchObject({ baseline: 200, current: 400, change: 1 });
  });

  it('does not call noise a regression: small relative or absolute changes pass', () => {
    expect(compareReports(report(), report({ answerP50: 220 })).regressions).toEqual([]);
    // +100 % but only +2 ms: below the absolute floor.
    const tiny = compareReports(report({ answerP50: 2, ttftP95: 1 }), report({ answerP50: 4, ttftP95: 1 }));
    expect(tiny.regressions).toEqual([]);
  });

  it('flags error-rate, cost and throughput regressions, and reports improvements', () => {
    const c = compareReports(report(), report({ errorRate: 0.05, costPerRun: 0.002, runsPerSec: 5 }));
    expect(c.regressions.map((r) => r.metric)).toEqual(expect.arrayContaining(['call error rate', 'answer: error rate', 'cost per run USD', 'runs per second']));
    expect(compareReports(report({ answerP50: 400 }), report()).improvements.map((r) => r.metric)).toContain('answer: p50 latency ms');
  });

  it('warns when the runs are not comparable and refuses what is not a report', () => {
    expect(compareReports(report(), { ...report(), speed: 5 }).warnings[0]).toMatch(/5x/);
    expect(() => asReport({ version: 99 }, 'old.json')).toThrow(/old.json is not a scenario report/);
  });
});

describe('expectations', () => {
  const s = parseScenario({
    name: 's',
    agents: [{ name: 'a', steps: [{ think: '1s' }] }],
    load: { model: 'closed', concurrency: 1, runs: 1 },
    expectations: [
      { metric: 'ttft_ms', stat: 'p95', max: '800ms' },
      { metric: 'step_ms', step: 'answer', stat: 'p50', max: 100 },
      { metric: 'error_rate', max: '1%' },
      { metric: 'cost_per_run_usd', max: 0.02 },
      { metric: 'error_count', errorType: 'http_429', min: 1 },
      { metric: 'step_ms', step: 'nope', max: '1s' },
    ],
  });

  it('evaluates each against the report; a missing step fails rather than passes', () => {
    const results = evaluateExpectations(report({ errorRate: 0.05 }), s.expectations);
    expect(results.map((r) => [r.description, r.ok, r.actual])).toEqual([
      ['p95(ttft_ms) <= 800', true, 120],
      ['p50(step_ms, answer) <= 100', false, 200],
      ['error_rate <= 0.01', false, 0.05],
      ['cost_per_run_usd <= 0.02', true, 0.001],
      ['error_count[http_429] >= 1', true, 2],
      ['p95(step_ms, nope) <= 1000 (no data for step "nope")', false, null],
    ]);
  });
});
