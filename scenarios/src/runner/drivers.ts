import { createRng, deriveSeed } from '../sim/random.js';
import type { ClosedLoad, Load, OpenLoad, ScheduleLoad } from '../format/load-schema.js';
import type { Agent } from '../schema.js';
import { executeRun } from './agent-run.js';
import { arrivalTimes, pickWeighted } from './arrivals.js';
import type { RunDeps } from './run-context.js';

/**
 * The load models. Open and schedule: a single timer walks the arrival times and launches
 * each run when its time comes — if the generator is late, the run still counts from its
 * scheduled time. Closed: N workers run back to back. All stop at `maxDuration`; runs still
 * in flight get `drain` to finish, then are aborted and recorded as abandoned.
 */

export interface DriveResult {
  scheduledRuns: number;
  /** Load time when the last run was scheduled (the arrival phase's length). */
  arrivalPhaseMs: number;
}

class Launcher {
  readonly inFlight = new Set<Promise<void>>();
  readonly abort = new AbortController();
  scheduled = 0;
  constructor(private readonly deps: RunDeps, private readonly load: Load, private readonly runIdPrefix: string) {}

  launch(agent: Agent, scheduledMs: number): Promise<void> | undefined {
    const runIndex = this.scheduled++;
    if (this.inFlight.size >= this.load.maxInFlight) {
      this.deps.sink.dropped(scheduledMs, agent.name);
      return undefined;
    }
    const p = executeRun(this.deps, { agent, runIndex, runId: `${this.runIdPrefix}-${runIndex}`, scheduledMs, seed: this.load.seed }, this.abort.signal);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  /** Waits for in-flight runs up to `drain`, then aborts the rest and waits for them to record. */
  async finish(): Promise<void> {
    const all = Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.load.drain);
    });
    const r = await Promise.race([all.then(() => 'done' as const), late]);
    clearTimeout(timer);
    if (r === 'late') {
      this.abort.abort(new Error('load ended: run abandoned'));
      await Promise.allSettled([...this.inFlight]);
    }
  }
}

const never = new AbortController().signal;

async function driveTimes(deps: RunDeps, launcher: Launcher, items: Iterable<{ atMs: number; agent: Agent }>, endMs: number): Promise<number> {
  let last = 0;
  for (const { atMs, agent } of items) {
    if (atMs >= endMs) break;
    await deps.sleepUntil(atMs, never);
    launcher.launch(agent, atMs);
    last = atMs;
  }
  return last;
}

function* openItems(load: OpenLoad, agents: readonly Agent[]): Generator<{ atMs: number; agent: Agent }> {
  const arrivals = createRng(deriveSeed(load.seed, 'arrivals'));
  const choice = createRng(deriveSeed(load.seed, 'agents'));
  const weights = agents.map((a) => a.weight);
  for (const atMs of arrivalTimes(load.stages, load.arrival, arrivals, load.maxRuns)) {
    yield { atMs, agent: agents[pickWeighted(weights, choice)] };
  }
}

function* scheduleItems(load: ScheduleLoad, agents: readonly Agent[]): Generator<{ atMs: number; agent: Agent }> {
  const byName = new Map(agents.map((a) => [a.name, a]));
  const starts = [...load.starts].sort((a, b) => a.at - b.at);
  for (const s of starts) {
    const agent = byName.get(s.agent);
    if (agent) yield { atMs: s.at, agent };
  }
}

async function driveClosed(deps: RunDeps, launcher: Launcher, load: ClosedLoad, agents: readonly Agent[]): Promise<number> {
  const choice = createRng(deriveSeed(load.seed, 'agents'));
  const weights = agents.map((a) => a.weight);
  const endMs = Math.min(load.duration ?? Number.POSITIVE_INFINITY, load.maxDuration);
  const maxRuns = load.runs ?? Number.POSITIVE_INFINITY;
  let last = 0;
  const worker = async (): Promise<void> => {
    let readyMs = deps.now();
    // Bounded: each pass schedules a run, and runs are capped by count or by time.
    while (launcher.scheduled < maxRuns && readyMs < endMs && !launcher.abort.signal.aborted) {
      await deps.sleepUntil(readyMs, never);
      if (launcher.scheduled >= maxRuns) break;
      last = Math.max(last, readyMs);
      await launcher.launch(agents[pickWeighted(weights, choice)], readyMs);
      readyMs = Math.max(readyMs, deps.now()) + load.pauseBetweenRuns;
    }
  };
  await Promise.all(Array.from({ length: load.concurrency }, () => worker()));
  return last;
}

/** Runs the load to its end; resolves when every run has been recorded. */
export async function driveLoad(deps: RunDeps, load: Load, agents: readonly Agent[], runIdPrefix: string): Promise<DriveResult> {
  const launcher = new Launcher(deps, load, runIdPrefix);
  let arrivalPhaseMs: number;
  if (load.model === 'closed') {
    const hardStop = setTimeout(() => launcher.abort.abort(new Error('maxDuration reached')), load.maxDuration + load.drain);
    arrivalPhaseMs = await driveClosed(deps, launcher, load, agents);
    clearTimeout(hardStop);
  } else {
    const items = load.model === 'open' ? openItems(load, agents) : scheduleItems(load, agents);
    arrivalPhaseMs = await driveTimes(deps, launcher, items, load.maxDuration);
  }
  await launcher.finish();
  return { scheduledRuns: launcher.scheduled, arrivalPhaseMs };
}
