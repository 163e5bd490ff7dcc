import type { GeneratorOverhead } from '../runner/overhead.js';
import type { Percentiles } from './histogram.js';

/**
 * The report of one scenario run: JSON for machines (`--report out.json`, baseline input),
 * also rendered as tables for people. `version` changes when the shape does.
 */

export const REPORT_VERSION = 1;

export interface StepReport {
  kind: 'llm' | 'tool';
  calls: number;
  errors: number;
  errorRate: number;
  /** From the intended start of the call to its last byte. */
  latencyMs: Percentiles;
  /** Streaming LLM calls: from the intended start to the first token. */
  ttftMs?: Percentiles;
  /** Streaming LLM calls: time per output token after the first. */
  tpotMs?: Percentiles;
  inputTokens: number;
  outputTokens: number;
}

export interface ErrorRow {
  type: string;
  step: string;
  count: number;
}

export interface CostReport {
  totalUsd: number;
  perRunUsd: number;
  /** `gateway`: the costs the gateway recorded per call; `estimate`: tokens × price table; `unknown`: no price. */
  source: 'gateway' | 'estimate' | 'unknown';
  /** Models without a price (their calls count as 0). */
  unpricedModels: string[];
}

/** What the gateway stored about this run (in-process gateway with a store). */
export interface GatewayView {
  llmCalls: number;
  llmErrors: number;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
  servedByBackup: number;
  /** Calls answered from the gateway's cache, and what they would have cost upstream. */
  cacheHits: number;
  cacheSavedMicroUsd: number;
  toolCalls: number;
  toolErrors: number;
  /** True when every call the runner saw answered was found in the store in time. */
  complete: boolean;
}

export interface ExpectationResult {
  /** `p95(ttft_ms) <= 800` */
  description: string;
  /** Null when there was no data (the expectation fails). */
  actual: number | null;
  ok: boolean;
}

export interface Regression {
  metric: string;
  baseline: number;
  current: number;
  /** Relative change, e.g. 0.35 = 35 % worse. */
  change: number;
  severity: 'regression' | 'improvement';
}

export interface CompareThresholds {
  relative: number;
  minAbsMs: number;
  /** Error rates: change in percentage points (0.01 = 1 point). */
  errorRatePoints: number;
}

export interface Comparison {
  baselineExecution: string;
  regressions: Regression[];
  improvements: Regression[];
  /** A change counts when it is past the relative share *and* (latencies) past `minAbsMs`. */
  thresholds: CompareThresholds;
  /** Why the comparison may mislead (different speed, scenario or load model). */
  warnings: string[];
}

export interface ScenarioReport {
  version: number;
  scenario: string;
  /** Prefix of every run id of this execution (`x-sluice-run-id: <execution>-<n>`). */
  execution: string;
  startedAt: string;
  speed: number;
  gateway: { url: string; inProcess: boolean };
  load: {
    model: 'open' | 'closed' | 'schedule';
    scheduledRuns: number;
    completedRuns: number;
    failedRuns: number;
    abandonedRuns: number;
    droppedRuns: number;
    /** Wall time of the whole load, drain included. */
    durationMs: number;
    /** The arrival rate the scenario asked for (open model, averaged over the stages). */
    targetRunsPerSec?: number;
    achievedRunsPerSec: number;
  };
  runs: { latencyMs: Percentiles; errorRate: number };
  steps: Record<string, StepReport>;
  totals: {
    llmCalls: number;
    toolCalls: number;
    errors: number;
    errorRate: number;
    inputTokens: number;
    outputTokens: number;
    callsPerSec: number;
    outputTokensPerSec: number;
    ttftMs: Percentiles;
    tpotMs: Percentiles;
  };
  errors: ErrorRow[];
  cost: CostReport;
  gatewayView?: GatewayView;
  generator: GeneratorOverhead & {
    /** How late runs began versus their schedule (latencies still count from the schedule). */
    startLagMs: Percentiles;
    /** The generator's own synchronous work per LLM call (encode, SSE parse), ms. */
    clientBusyMsPerCall: number;
    /** Share of one core that work took over the load. */
    clientBusyCoreShare: number;
    note: string;
  };
  /** Per second of load time: calls and errors by intended start. */
  timeline: Array<{ second: number; calls: number; errors: number; runsStarted: number; runsFailed: number }>;
  expectations: ExpectationResult[];
  passed: boolean;
  comparison?: Comparison;
}
