import { randomBytes } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { Rng } from '../sim/random.js';
import type { Agent } from '../schema.js';
import type { StepOutcome } from '../format/step-schema.js';
import type { ToolCallRequest } from './chat-answer.js';
import type { McpToolClient } from './mcp-tools.js';
import type { RecordSink } from './records.js';

/** What every run shares: the gateway pool, MCP clients, the clock, where records go. */
export interface RunDeps {
  pool: Dispatcher;
  /** Path prefix of the gateway's LLM APIs (`/v1`): `/chat/completions` and `/messages` go under it. */
  apiPrefix: string;
  /** The MCP client of an agent (undefined when the gateway has no MCP endpoint). */
  mcp(agent: Agent): McpToolClient | undefined;
  /** Identity headers of an agent (credentials read from env once). */
  identityHeaders(agent: Agent): Readonly<Record<string, string>>;
  sink: RecordSink;
  /** Milliseconds since the load started (monotonic). */
  now(): number;
  /** Resolves at `atMs` (load time), early when `signal` aborts. */
  sleepUntil(atMs: number, signal: AbortSignal): Promise<void>;
  callTimeoutMs: number;
  scenario: string;
}

/** One run's state: its conversation, the previous step's outcome, its clock cursor. */
export interface RunState {
  agent: Agent;
  runIndex: number;
  runId: string;
  traceId: string;
  rng: Rng;
  vars: Record<string, string>;
  messages: Array<Record<string, unknown>>;
  outcome: Set<StepOutcome>;
  /** Tool calls the last LLM answer asked for. */
  pendingToolCalls: ToolCallRequest[];
  /** Tools offered in the last LLM call, by function name (for `callTools` on inline functions). */
  offered: Map<string, { mcp: boolean; resultBytes: number }>;
  /** When the next step should start (load time, ms). */
  cursorMs: number;
  calls: number;
  failed?: string;
  signal: AbortSignal;
}

export const newTraceId = (): string => randomBytes(16).toString('hex');
export const newSpanId = (): string => randomBytes(8).toString('hex');
export const traceparentOf = (traceId: string): string => `00-${traceId}-${newSpanId()}-01`;

/** Headers every call of a run carries: one trace, the run id, the scenario. */
export function runHeaders(deps: RunDeps, st: RunState): Record<string, string> {
  return {
    traceparent: traceparentOf(st.traceId),
    'x-sluice-run-id': st.runId,
    'x-sluice-conversation-id': st.runId,
    'x-sluice-scenario': deps.scenario,
  };
}
