import type { LlmApi } from '../format/step-schema.js';

/**
 * What the runner observes, one record per call and per run. Times are milliseconds since
 * the load started (monotonic clock). Latencies count from the intended start, so a call
 * that could not start on time shows its wait.
 */

export interface CallRecord {
  kind: 'llm' | 'tool';
  /** Statistics key (the step's name, or `llm <model>` / `tool <server>__<tool>`). */
  step: string;
  agent: string;
  runIndex: number;
  runId: string;
  /** LLM calls: the model asked for. */
  model?: string;
  /** Tool calls: the exposed tool name (`<server>__<tool>`). */
  tool?: string;
  /** LLM calls: the wire API the call spoke. */
  api?: LlmApi;
  stream?: boolean;
  /** When the call should have started (the end of the step before, plus think time). */
  intendedStartMs: number;
  /** When the request was actually sent. */
  startMs: number;
  endMs: number;
  ok: boolean;
  errorType?: string;
  ttftMs?: number;
  tpotMs?: number;
  inputTokens: number;
  outputTokens: number;
  /** The gateway's request id (LLM calls). */
  requestId?: string;
  /** This process's own synchronous work on the call (LLM calls; the generator's cost). */
  clientBusyMs?: number;
}

export interface RunRecord {
  runIndex: number;
  runId: string;
  agent: string;
  traceId: string;
  /** When the load model scheduled the run. */
  scheduledMs: number;
  /** When the runner actually began it. */
  startMs: number;
  endMs: number;
  ok: boolean;
  /** The first failed step's error type. */
  errorType?: string;
  calls: number;
  /** True when the run was cut short by the end of the load (`drain` ran out). */
  abandoned?: boolean;
}

/** Where records go (the metrics collector; tests may use an array). */
export interface RecordSink {
  call(r: CallRecord): void;
  run(r: RunRecord): void;
  /** An arrival that could not start (`maxInFlight` reached). */
  dropped(scheduledMs: number, agent: string): void;
}
