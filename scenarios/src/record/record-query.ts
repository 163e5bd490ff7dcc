import { ScenarioError } from '../format/scenario-error.js';

/**
 * Reading recorded traffic back from the store: the LLM calls of the selected
 * conversations (one conversation = one agent run), then the tool calls of the same traces
 * (MCP spans join the run's trace through `_meta.traceparent`).
 */

/** Which stored traffic to turn into a scenario. */
export type RecordFilter =
  | { conversation: string }
  | { agent: string; sinceMs: number; nowMs: number }
  | { scenario: string; runIdPrefix: string };

/** A parameterised read (`{name:Type}` placeholders), as `SpanStore.query` does it. */
export type QueryFn = <T>(sql: string, params: Record<string, unknown>) => Promise<T[]>;

export interface StoredCall {
  kind: 'llm' | 'tool';
  /** Run key: the conversation id, else the trace id. */
  run: string;
  traceId: string;
  agent: string;
  startMs: number;
  durationMs: number;
  model: string;
  /** The API the call came in on (`openai`, `anthropic`; '' for tool calls). */
  api: string;
  stream: boolean;
  inputTokens: number;
  outputTokens: number;
  ttftMs: number;
  tpotMs: number;
  status: 'ok' | 'error';
  errorType: string;
  server: string;
  tool: string;
}

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));

function where(f: RecordFilter): { sql: string; params: Record<string, unknown> } {
  if ('conversation' in f) return { sql: 'conversation_id = {c:String}', params: { c: f.conversation } };
  // The scenario runner's warm-up calls (run id `warmup-<execution>`) are not agent traffic.
  if ('agent' in f) {
    return {
      sql: "agent = {a:String} AND Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND NOT startsWith(run_id, 'warmup-')",
      params: { a: f.agent, from: Math.trunc(f.nowMs - f.sinceMs) },
    };
  }
  return { sql: 'scenario = {s:String} AND startsWith(run_id, {p:String})', params: { s: f.scenario, p: f.runIdPrefix } };
}

/** Stored LLM and tool calls of the selected runs, oldest first, at most `limit` LLM calls. */
export async function readStoredCalls(query: QueryFn, database: string, f: RecordFilter, limit = 20_000): Promise<StoredCall[]> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new ScenarioError('SCN_BAD_ARGUMENT', `not a database name: ${database}`);
  const w = where(f);
  const llm = await query<Record<string, unknown>>(
    `SELECT TraceId, conversation_id, agent, toUnixTimestamp64Milli(Timestamp) AS t, duration_ms, toString(request_model) AS model, toString(api) AS api, stream,
            input_tokens, output_tokens, ttft_ms, tpot_ms, toString(status) AS status, toString(error_type) AS error_type
     FROM \`${database}\`.\`llm_calls\` WHERE ${w.sql} ORDER BY Timestamp LIMIT {limit:UInt32}`,
    { ...w.params, limit },
  );
  const runOfTrace = new Map<string, string>();
  const out: StoredCall[] = llm.map((r) => {
    const run = s(r.conversation_id) || s(r.TraceId);
    runOfTrace.set(s(r.TraceId), run);
    return {
      kind: 'llm', run, traceId: s(r.TraceId), agent: s(r.agent), startMs: n(r.t), durationMs: n(r.duration_ms), model: s(r.model), api: s(r.api),
      stream: n(r.stream) === 1, inputTokens: n(r.input_tokens), outputTokens: n(r.output_tokens), ttftMs: n(r.ttft_ms), tpotMs: n(r.tpot_ms),
      status: r.status === 'error' ? 'error' : 'ok', errorType: s(r.error_type), server: '', tool: '',
    };
  });
  const traces = [...runOfTrace.keys()];
  if (traces.length > 0) {
    const tools = await query<Record<string, unknown>>(
      `SELECT TraceId, agent, toUnixTimestamp64Milli(Timestamp) AS t, duration_ms, toString(server) AS server, toString(tool) AS tool,
              toString(status) AS status, toString(error_type) AS error_type
       FROM \`${database}\`.\`tool_calls\` WHERE TraceId IN {ids:Array(String)} ORDER BY Timestamp LIMIT {limit:UInt32}`,
      { ids: traces, limit },
    );
    for (const r of tools) {
      out.push({
        kind: 'tool', run: runOfTrace.get(s(r.TraceId)) ?? s(r.TraceId), traceId: s(r.TraceId), agent: s(r.agent), startMs: n(r.t), durationMs: n(r.duration_ms),
        model: '', api: '', stream: false, inputTokens: 0, outputTokens: 0, ttftMs: 0, tpotMs: 0, status: r.status === 'error' ? 'error' : 'ok',
        errorType: s(r.error_type), server: s(r.server), tool: s(r.tool),
      });
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs || (a.kind === b.kind ? 0 : a.kind === 'llm' ? -1 : 1));
}
