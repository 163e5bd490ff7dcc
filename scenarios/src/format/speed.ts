import { BUILTIN_PROFILES, formatFaultSpec, parseFaultSpec, type Distribution, type FaultSpec, type ModelProfile } from '../sim/index.js';
import type { Expectation } from './expectation-schema.js';
import type { StepOutput } from './step-schema.js';
import type { Scenario } from '../schema.js';

/**
 * `--speed 5x`: the same scenario on a compressed clock. Think times, simulated latencies,
 * fault and outage windows, stage durations and latency thresholds shrink by the factor;
 * arrival rates grow by it. Token counts and the run structure stay as they are. Pure.
 */

/** `"5x"`, `"5"`, `"0.5x"` → the factor; undefined when not a positive number. */
export function parseSpeed(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*x?\s*$/i.exec(text);
  const f = m ? Number(m[1]) : Number.NaN;
  return Number.isFinite(f) && f > 0 ? f : undefined;
}

const div = (v: number | undefined, f: number): number | undefined => (v === undefined ? undefined : v / f);

export function scaleDistribution(d: Distribution, f: number): Distribution {
  if ('fixed' in d) return { fixed: d.fixed / f };
  if ('uniform' in d) return { uniform: { min: d.uniform.min / f, max: d.uniform.max / f } };
  if ('normal' in d) {
    const n = d.normal;
    return { normal: { mean: n.mean / f, stdDev: n.stdDev / f, ...opt('min', div(n.min, f)), ...opt('max', div(n.max, f)) } };
  }
  const l = d.lognormal;
  return { lognormal: { median: l.median / f, sigma: l.sigma, ...opt('min', div(l.min, f)), ...opt('max', div(l.max, f)) } };
}

const opt = <K extends string>(key: K, v: number | undefined): Partial<Record<K, number>> => (v === undefined ? {} : ({ [key]: v } as Record<K, number>));

function scaleFault(spec: FaultSpec, f: number): FaultSpec {
  const out: FaultSpec = { ...spec };
  if (spec.stallMs !== undefined) out.stallMs = spec.stallMs / f;
  if (spec.ttftMs !== undefined) out.ttftMs = spec.ttftMs / f;
  if (spec.tokenMs !== undefined) out.tokenMs = spec.tokenMs / f;
  if (spec.retryAfterS !== undefined) out.retryAfterS = spec.retryAfterS / f;
  return out;
}

function scaleFaultText(text: string, f: number): string {
  const r = parseFaultSpec(text);
  return r.ok ? formatFaultSpec(scaleFault(r.spec, f)) : text;
}

function scaleProfile(ref: 'sim-fast' | 'sim-realistic' | ModelProfile, f: number): ModelProfile {
  const p = typeof ref === 'string' ? BUILTIN_PROFILES[ref] : ref;
  return { ...p, ttftMs: scaleDistribution(p.ttftMs, f), tokenDelayMs: scaleDistribution(p.tokenDelayMs, f) };
}

function scaleLatency(l: number | { minMs: number; maxMs: number } | undefined, f: number) {
  if (l === undefined) return undefined;
  if (typeof l === 'number') return Math.round(l / f);
  return { minMs: Math.round(l.minMs / f), maxMs: Math.round(l.maxMs / f) };
}

function scaleSteps(steps: readonly StepOutput[], f: number): StepOutput[] {
  return steps.map((s) => {
    if (s.think) return { think: scaleDistribution(s.think, f) };
    if (s.llm?.simFault !== undefined) return { llm: { ...s.llm, simFault: scaleFaultText(s.llm.simFault, f) } };
    if (s.sequence) return { sequence: scaleSteps(s.sequence, f) };
    if (s.branch) return { branch: { ...s.branch, then: scaleSteps(s.branch.then, f), else: scaleSteps(s.branch.else, f) } };
    if (s.loop) return { loop: { ...s.loop, steps: scaleSteps(s.loop.steps, f) } };
    return s;
  });
}

function scaleExpectation(e: Expectation, f: number): Expectation {
  if (e.metric === 'ttft_ms' || e.metric === 'tpot_ms' || e.metric === 'step_ms' || e.metric === 'run_ms') {
    return { ...e, ...opt('max', div(e.max, f)), ...opt('min', div(e.min, f)) };
  }
  if (e.metric === 'runs_per_sec') return { ...e, ...opt('max', e.max === undefined ? undefined : e.max * f), ...opt('min', e.min === undefined ? undefined : e.min * f) };
  return e;
}

/** The scenario on a clock running `factor` times faster (1 returns it unchanged). */
export function applySpeed(s: Scenario, factor: number): Scenario {
  if (factor === 1) return s;
  const f = factor;
  const load = ((): Scenario['load'] => {
    const l = s.load;
    const common = { maxDuration: l.maxDuration / f };
    if (l.model === 'open') return { ...l, ...common, stages: l.stages.map((st) => ({ ...st, duration: st.duration / f, ratePerSec: st.ratePerSec * f })) };
    if (l.model === 'closed') return { ...l, ...common, ...opt('duration', div(l.duration, f)), pauseBetweenRuns: l.pauseBetweenRuns / f };
    return { ...l, ...common, starts: l.starts.map((st) => ({ ...st, at: st.at / f })) };
  })();
  return {
    ...s,
    agents: s.agents.map((a) => ({ ...a, steps: scaleSteps(a.steps, f) })),
    load,
    upstreams: {
      providers: s.upstreams.providers.map((p) => ({
        ...p,
        profile: scaleProfile(p.profile, f),
        models: Object.fromEntries(Object.entries(p.models).map(([m, ref]) => [m, scaleProfile(ref, f)])),
        faults: p.faults.map((r) => ({
          ...r,
          ...opt('from', div(r.from, f)),
          ...opt('to', div(r.to, f)),
          fault: typeof r.fault === 'string' ? scaleFaultText(r.fault, f) : scaleFault(r.fault, f),
        })),
      })),
      mcp: s.upstreams.mcp.map((m) => ({
        ...m,
        defaults: { ...m.defaults, ...(m.defaults.latencyMs !== undefined ? { latencyMs: scaleLatency(m.defaults.latencyMs, f) } : {}) },
        tools: Object.fromEntries(Object.entries(m.tools).map(([t, b]) => [t, { ...b, ...(b.latencyMs !== undefined ? { latencyMs: scaleLatency(b.latencyMs, f) } : {}) }])),
        outages: m.outages.map((o) => ({ from: o.from / f, to: o.to / f })),
      })),
    },
    expectations: s.expectations.map((e) => scaleExpectation(e, f)),
  };
}
