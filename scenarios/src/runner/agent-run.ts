import { createRng, deriveSeed, sample } from '../sim/random.js';
import type { StepOutcome, StepOutput } from '../format/step-schema.js';
import type { Agent } from '../schema.js';
import { runLlmStep } from './llm-step.js';
import { type RunDeps, type RunState, newTraceId } from './run-context.js';
import { pickVars } from './templates.js';
import { runCallTools, runToolStep } from './tool-steps.js';

/**
 * Runs one agent run: its steps in order, branches on the previous step's outcome, bounded
 * loops, think times. Every call is recorded; the run is recorded once at the end. Never
 * throws (an aborted run is recorded as abandoned).
 */

/** Stop signal for the rest of the run (a failed step under `onError: stop`). */
class StopRun extends Error {}

const matches = (outcome: Set<StepOutcome>, wanted: readonly StepOutcome[]): boolean => wanted.some((w) => outcome.has(w));

async function runSteps(deps: RunDeps, st: RunState, steps: readonly StepOutput[]): Promise<void> {
  for (const step of steps) {
    if (st.signal.aborted) throw st.signal.reason;
    await runStep(deps, st, step);
  }
}

function failed(st: RunState, errorType: string | undefined): void {
  st.failed ??= errorType ?? 'error';
  if (st.agent.onError === 'stop') throw new StopRun();
}

async function runStep(deps: RunDeps, st: RunState, step: StepOutput): Promise<void> {
  if (step.llm) {
    const r = await runLlmStep(deps, st, step.llm);
    if (!r.ok) failed(st, r.errorType);
  } else if (step.tool) {
    if (!(await runToolStep(deps, st, step.tool))) failed(st, 'tool');
  } else if (step.callTools) {
    if (!(await runCallTools(deps, st, step.callTools))) failed(st, 'tool');
  } else if (step.think) {
    st.cursorMs += Math.max(0, sample(step.think, st.rng));
  } else if (step.sequence) {
    await runSteps(deps, st, step.sequence);
  } else if (step.branch) {
    await runSteps(deps, st, matches(st.outcome, step.branch.if) ? step.branch.then : step.branch.else);
  } else if (step.loop) {
    const loop = step.loop;
    const passes = loop.times !== undefined ? Math.min(loop.times, loop.max) : loop.max;
    for (let i = 0; i < passes; i++) {
      if (loop.while && !matches(st.outcome, loop.while)) break;
      await runSteps(deps, st, loop.steps);
    }
  }
}

export interface RunPlan {
  agent: Agent;
  runIndex: number;
  runId: string;
  /** When the load model wanted the run to start (load time, ms). */
  scheduledMs: number;
  seed: number;
}

/** Executes one run to the end (or until `signal` aborts it). */
export async function executeRun(deps: RunDeps, plan: RunPlan, signal: AbortSignal): Promise<void> {
  const rng = createRng(deriveSeed(plan.seed, plan.agent.name, plan.runIndex));
  const st: RunState = {
    agent: plan.agent,
    runIndex: plan.runIndex,
    runId: plan.runId,
    traceId: newTraceId(),
    rng,
    vars: { ...pickVars(plan.agent.vars, rng), 'run.id': plan.runId, 'run.index': String(plan.runIndex), 'agent.name': plan.agent.name },
    messages: [],
    outcome: new Set(),
    pendingToolCalls: [],
    offered: new Map(),
    cursorMs: plan.scheduledMs,
    calls: 0,
    signal,
  };
  const startMs = deps.now();
  let abandoned = false;
  try {
    await runSteps(deps, st, plan.agent.steps);
    // A trailing think is part of the run (the agent's pause before it ends).
    await deps.sleepUntil(st.cursorMs, signal);
  } catch (err) {
    if (!(err instanceof StopRun)) {
      abandoned = signal.aborted;
      st.failed ??= abandoned ? 'abandoned' : `runner:${(err as Error).message}`;
    }
  }
  deps.sink.run({
    runIndex: plan.runIndex,
    runId: plan.runId,
    agent: plan.agent.name,
    traceId: st.traceId,
    scheduledMs: plan.scheduledMs,
    startMs,
    endMs: deps.now(),
    ok: st.failed === undefined,
    calls: st.calls,
    ...(st.failed !== undefined ? { errorType: st.failed } : {}),
    ...(abandoned ? { abandoned } : {}),
  });
}
