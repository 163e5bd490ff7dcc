import type { Percentiles } from './histogram.js';
import type { Comparison, ScenarioReport } from './report-types.js';

/** The report as text tables for a terminal. Pure. */

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const num = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const pct = (r: number) => `${(r * 100).toFixed(r > 0 && r < 0.001 ? 3 : 1)}%`;
const usd = (v: number) => `$${v < 0.01 ? v.toFixed(6) : v.toFixed(4)}`;
const int = (n: number) => n.toLocaleString('en-US');

function row(label: string, calls: number | string, errRate: string, p: Percentiles): string {
  const cells = [p.p50, p.p90, p.p95, p.p99, p.max].map((v) => lpad(num(v), 9)).join('');
  return `${pad(label, 34)}${lpad(String(calls), 8)}${lpad(errRate, 8)}${cells}`;
}

function latencyTable(r: ScenarioReport): string[] {
  const lines = [`${pad('latency (ms, from intended start)', 34)}${lpad('calls', 8)}${lpad('err', 8)}${['p50', 'p90', 'p95', 'p99', 'max'].map((h) => lpad(h, 9)).join('')}`];
  lines.push(row('run', r.runs.latencyMs.count, pct(r.runs.errorRate), r.runs.latencyMs));
  for (const [name, s] of Object.entries(r.steps)) {
    lines.push(row(`${name} (${s.kind})`, s.calls, pct(s.errorRate), s.latencyMs));
    if (s.ttftMs) lines.push(row('  time to first token', s.ttftMs.count, '', s.ttftMs));
    if (s.tpotMs) lines.push(row('  time per output token', s.tpotMs.count, '', s.tpotMs));
  }
  return lines;
}

function comparisonLines(c: Comparison): string[] {
  const lines = [`Comparison with baseline ${c.baselineExecution}: ${c.regressions.length} regression(s), ${c.improvements.length} improvement(s)`];
  for (const w of c.warnings) lines.push(`  ! ${w}`);
  const fmt = (x: Comparison['regressions'][number], mark: string) =>
    `  ${mark} ${pad(x.metric, 40)} ${num(x.baseline)} → ${num(x.current)} (${x.change >= 0 ? '+' : ''}${(x.change * 100).toFixed(0)}%)`;
  for (const x of c.regressions) lines.push(fmt(x, 'REGRESSION'));
  for (const x of c.improvements) lines.push(fmt(x, 'improved  '));
  return lines;
}

export function formatReport(r: ScenarioReport): string {
  const passed = r.expectations.filter((e) => e.ok).length;
  const l = r.load;
  const out: string[] = [
    `Scenario ${r.scenario} — execution ${r.execution} — ${r.passed ? 'PASSED' : 'FAILED'}${r.expectations.length > 0 ? ` (${passed}/${r.expectations.length} expectations)` : ''}`,
    `Gateway ${r.gateway.url}${r.gateway.inProcess ? ' (in-process)' : ''} · speed ${r.speed}x · ${l.model} model · ${(l.durationMs / 1000).toFixed(1)} s`,
    `Runs: ${int(l.scheduledRuns)} scheduled, ${int(l.completedRuns)} completed, ${int(l.failedRuns)} failed, ${int(l.abandonedRuns)} abandoned, ${int(l.droppedRuns)} dropped · ${num(l.achievedRunsPerSec)} runs/s${l.targetRunsPerSec !== undefined ? ` (target ${num(l.targetRunsPerSec)})` : ''}`,
    '',
    ...latencyTable(r),
    '',
  ];
  if (r.errors.length > 0) {
    out.push(`${pad('errors: type', 44)}${pad('step', 30)}${lpad('count', 8)}`);
    for (const e of r.errors) out.push(`${pad(`  ${e.type}`, 44)}${pad(e.step, 30)}${lpad(int(e.count), 8)}`);
    out.push('');
  }
  const t = r.totals;
  out.push(`Calls: ${int(t.llmCalls)} LLM, ${int(t.toolCalls)} tool, ${pct(t.errorRate)} failed · ${num(t.callsPerSec)} calls/s`);
  out.push(`Tokens: ${int(t.inputTokens)} in, ${int(t.outputTokens)} out · ${num(t.outputTokensPerSec)} output tokens/s`);
  const c = r.cost;
  const source = c.source === 'gateway' ? 'as recorded by the gateway' : c.source === 'estimate' ? 'estimated from token counts × price table' : 'no prices known';
  out.push(`Cost: ${usd(c.totalUsd)} total, ${usd(c.perRunUsd)} per run (${source})${c.unpricedModels.length > 0 ? ` · unpriced: ${c.unpricedModels.join(', ')}` : ''}`);
  if (r.gatewayView) {
    const g = r.gatewayView;
    out.push(`Gateway stored: ${int(g.llmCalls)} LLM calls (${int(g.llmErrors)} failed, ${int(g.servedByBackup)} served by a backup target), ${int(g.toolCalls)} tool calls, tokens ${int(g.inputTokens)} in / ${int(g.outputTokens)} out${g.complete ? '' : ' — INCOMPLETE: some calls had not reached the store'}`);
    if (g.cacheHits > 0) out.push(`Cache: ${int(g.cacheHits)} of ${int(g.llmCalls)} LLM calls answered from the cache (${((100 * g.cacheHits) / Math.max(1, g.llmCalls)).toFixed(1)} %), saving $${(g.cacheSavedMicroUsd / 1e6).toFixed(4)}`);
  }
  const g = r.generator;
  out.push(`Load generator: own work ${num(g.clientBusyMsPerCall)} ms/call (${pct(g.clientBusyCoreShare)} of a core) · start lag p99 ${num(g.startLagMs.p99)} ms · event-loop delay p99 ${num(g.eventLoopDelayMs.p99)} ms`);
  out.push(`Process: CPU ${num(g.cpuMsPerCall)} ms/call (${pct(g.cpuCoreShare)} of a core) · ${num(g.maxRssMb)} MB peak (${g.note})`);
  if (g.eventLoopDelayMs.p99 > 50 || g.startLagMs.p99 > 50) out.push('  ! the process was busy: latencies above include its own delays; run with --gateway against a separate gateway for clean numbers');
  if (r.expectations.length > 0) {
    out.push('', 'Expectations:');
    for (const e of r.expectations) out.push(`  ${e.ok ? 'ok  ' : 'FAIL'} ${pad(e.description, 50)} actual ${e.actual === null ? 'n/a' : num(e.actual)}`);
  }
  if (r.comparison) out.push('', ...comparisonLines(r.comparison));
  return `${out.join('\n')}\n`;
}
