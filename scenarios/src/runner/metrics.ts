import type { Histogram } from 'hdr-histogram-js';
import { newHistogram, recordMs } from '../report/histogram.js';
import type { CallRecord, RecordSink, RunRecord } from './records.js';

/**
 * The runner's sink: aggregates as records arrive (histograms per step and per run, error
 * counts, a per-second timeline) and keeps the raw records up to a bound for the stored-view
 * check and for tests. Counters for the live progress line are plain fields.
 */

export interface StepAgg {
  kind: 'llm' | 'tool';
  calls: number;
  errors: number;
  latency: Histogram;
  ttft: Histogram;
  tpot: Histogram;
  inputTokens: number;
  outputTokens: number;
}

export interface TimelineBucket {
  /** Calls whose intended start fell in this second. */
  calls: number;
  errors: number;
  runsStarted: number;
  runsFailed: number;
}

const MAX_KEPT_RECORDS = 200_000;

export class Metrics implements RecordSink {
  readonly steps = new Map<string, StepAgg>();
  readonly runLatency = newHistogram();
  /** How late runs began versus their schedule: the load generator's own lag. */
  readonly startLag = newHistogram();
  readonly errors = new Map<string, { type: string; step: string; count: number; example?: string }>();
  readonly timeline = new Map<number, TimelineBucket>();
  /** LLM calls and tokens per model (for cost estimates). */
  readonly byModel = new Map<string, { calls: number; inputTokens: number; outputTokens: number }>();
  /** Calls that reached the gateway (it answered with a request id). */
  answeredLlmCalls = 0;
  toolCalls = 0;
  /** Sum of the generator's own work on calls (encoding, SSE parsing). */
  clientBusyMs = 0;
  /** Latest actual run start (load time): the arrival phase as it happened. */
  lastRunStartMs = 0;
  readonly calls: CallRecord[] = [];
  readonly runs: RunRecord[] = [];
  keptRecordsDropped = 0;
  runsDone = 0;
  runsFailed = 0;
  runsAbandoned = 0;
  callsDone = 0;
  callErrors = 0;
  droppedArrivals = 0;
  inputTokens = 0;
  outputTokens = 0;

  #bucket(ms: number): TimelineBucket {
    const s = Math.max(0, Math.floor(ms / 1000));
    let b = this.timeline.get(s);
    if (!b) {
      b = { calls: 0, errors: 0, runsStarted: 0, runsFailed: 0 };
      this.timeline.set(s, b);
    }
    return b;
  }

  #step(r: CallRecord): StepAgg {
    let agg = this.steps.get(r.step);
    if (!agg) {
      agg = { kind: r.kind, calls: 0, errors: 0, latency: newHistogram(), ttft: newHistogram(), tpot: newHistogram(), inputTokens: 0, outputTokens: 0 };
      this.steps.set(r.step, agg);
    }
    return agg;
  }

  call(r: CallRecord): void {
    const agg = this.#step(r);
    agg.calls++;
    recordMs(agg.latency, r.endMs - r.intendedStartMs);
    if (r.ttftMs !== undefined) recordMs(agg.ttft, r.ttftMs);
    if (r.tpotMs !== undefined) recordMs(agg.tpot, r.tpotMs);
    agg.inputTokens += r.inputTokens;
    agg.outputTokens += r.outputTokens;
    this.inputTokens += r.inputTokens;
    this.outputTokens += r.outputTokens;
    this.callsDone++;
    this.clientBusyMs += r.clientBusyMs ?? 0;
    if (r.kind === 'tool') this.toolCalls++;
    if (r.requestId !== undefined) this.answeredLlmCalls++;
    if (r.model !== undefined) {
      const m = this.byModel.get(r.model) ?? { calls: 0, inputTokens: 0, outputTokens: 0 };
      m.calls++;
      m.inputTokens += r.inputTokens;
      m.outputTokens += r.outputTokens;
      this.byModel.set(r.model, m);
    }
    const b = this.#bucket(r.intendedStartMs);
    b.calls++;
    if (!r.ok) {
      agg.errors++;
      this.callErrors++;
      b.errors++;
      const type = r.errorType ?? 'error';
      const key = `${type}\u0000${r.step}`;
      const e = this.errors.get(key) ?? { type, step: r.step, count: 0 };
      e.count++;
      this.errors.set(key, e);
    }
    this.#keep(this.calls, r);
  }

  run(r: RunRecord): void {
    this.runsDone++;
    this.lastRunStartMs = Math.max(this.lastRunStartMs, r.startMs);
    if (!r.ok) this.runsFailed++;
    if (r.abandoned) this.runsAbandoned++;
    recordMs(this.runLatency, r.endMs - r.scheduledMs);
    recordMs(this.startLag, r.startMs - r.scheduledMs);
    const b = this.#bucket(r.scheduledMs);
    b.runsStarted++;
    if (!r.ok) b.runsFailed++;
    this.#keep(this.runs, r);
  }

  dropped(scheduledMs: number, agent: string): void {
    this.droppedArrivals++;
    const key = `dropped\u0000(run of ${agent})`;
    const e = this.errors.get(key) ?? { type: 'generator_saturated', step: `(run of ${agent})`, count: 0 };
    e.count++;
    this.errors.set(key, e);
    this.#bucket(scheduledMs).runsFailed++;
  }

  #keep<T>(list: T[], r: T): void {
    if (list.length < MAX_KEPT_RECORDS) list.push(r);
    else this.keptRecordsDropped++;
  }
}
