import { FaultPlanSchema, type FaultPlan } from './fault-plan.js';
import { createProfileTable, type ProfileTable } from './profiles.js';
import { QuotaTracker } from './quota.js';
import { RequestLog } from './request-log.js';
import { SimError, formatIssues } from './sim-errors.js';
import type { SimConfig } from './sim-options.js';
import { StatsCounter } from './sim-stats.js';

/** Everything one running simulator holds between requests. */
export interface SimState {
  readonly config: SimConfig;
  readonly profiles: ProfileTable;
  startedAtMs: number;
  readonly stats: StatsCounter;
  readonly log: RequestLog;
  plan: FaultPlan;
  /** Plan windows (`fromMs`/`toMs`) count from here. */
  planInstalledAtMs: number;
  quota: QuotaTracker | undefined;
  /** Arrival counter; seeds per-request timing and fault draws. */
  nextSeq: number;
}

export function createSimState(config: SimConfig, nowMs: number): SimState {
  return {
    config,
    profiles: createProfileTable(config.models, config.defaultProfile, config.strictModels),
    startedAtMs: nowMs,
    stats: new StatsCounter(),
    log: new RequestLog(config.recordRequests),
    plan: config.faults,
    planInstalledAtMs: nowMs,
    quota: config.quota ? new QuotaTracker(config.quota, nowMs) : undefined,
    nextSeq: 0,
  };
}

/** Validates and installs a plan; its windows start now. Throws `SIM_INVALID_FAULT_PLAN`. */
export function installFaultPlan(state: SimState, plan: unknown, nowMs: number): FaultPlan {
  const parsed = FaultPlanSchema.safeParse(plan);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    throw new SimError('SIM_INVALID_FAULT_PLAN', `invalid fault plan: ${issues.join('; ')}`, issues);
  }
  state.plan = parsed.data;
  state.planInstalledAtMs = nowMs;
  return parsed.data;
}

/** Clears counters, the request log and quota buckets; the fault plan stays. */
export function resetSimState(state: SimState, nowMs: number): void {
  state.stats.reset();
  state.log.clear();
  if (state.config.quota) state.quota = new QuotaTracker(state.config.quota, nowMs);
}
