import type { SpanStore } from '../../../collector/src/index.js';
import type { GatewayView } from '../report/report-types.js';

/**
 * What the gateway stored about one execution, read back from its store: LLM calls by run
 * id prefix and scenario, tool calls by the runs' trace ids (MCP spans join the run's trace
 * through `_meta.traceparent`). Waits, bounded, for spans still on their way.
 */

const q = (s: SpanStore, table: string) => `\`${s.info.database}\`.\`${table}\``;
const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export interface StoredLlmCall {
  requestId: string;
  runId: string;
  timeMs: number;
  status: 'ok' | 'error';
  statusCode: number;
  errorType: string;
  servedByBackup: boolean;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
  model: string;
  /** The API the call came in on (`openai`, `anthropic`). */
  api: string;
}

/** Every stored LLM call of an execution (run ids `<execution>-<n>`), oldest first. */
export async function storedLlmCalls(store: SpanStore, scenario: string, execution: string, limit = 100_000): Promise<StoredLlmCall[]> {
  const rows = await store.query<Record<string, unknown>>(
    `SELECT request_id, run_id, toUnixTimestamp64Milli(Timestamp) AS t, toString(status) AS status, status_code, toString(error_type) AS error_type,
            served_by_backup, input_tokens, output_tokens, cost_micro_usd, toString(request_model) AS model, toString(api) AS api
     FROM ${q(store, 'llm_calls')} WHERE scenario = {s:String} AND startsWith(run_id, {p:String}) ORDER BY Timestamp LIMIT {limit:UInt32}`,
    { s: scenario, p: `${execution}-`, limit },
  );
  return rows.map((r) => ({
    requestId: String(r.request_id),
    runId: String(r.run_id),
    timeMs: n(r.t),
    status: r.status === 'error' ? 'error' : 'ok',
    statusCode: n(r.status_code),
    errorType: String(r.error_type),
    servedByBackup: n(r.served_by_backup) === 1,
    inputTokens: n(r.input_tokens),
    outputTokens: n(r.output_tokens),
    costMicroUsd: n(r.cost_micro_usd),
    model: String(r.model),
    api: String(r.api),
  }));
}

async function llmTotals(store: SpanStore, scenario: string, execution: string) {
  const [r] = await store.query<Record<string, unknown>>(
    `SELECT count() AS calls, countIf(status = 'error') AS errors, sum(input_tokens) AS input, sum(output_tokens) AS output,
            sum(cost_micro_usd) AS cost, countIf(served_by_backup = 1) AS backup,
            countIf(cache_hit = 1) AS cache_hits, sum(cache_saved_micro_usd) AS cache_saved
     FROM ${q(store, 'llm_calls')} WHERE scenario = {s:String} AND startsWith(run_id, {p:String})`,
    { s: scenario, p: `${execution}-` },
  );
  return {
    calls: n(r?.calls), errors: n(r?.errors), input: n(r?.input), output: n(r?.output), cost: n(r?.cost), backup: n(r?.backup),
    cacheHits: n(r?.cache_hits), cacheSaved: n(r?.cache_saved),
  };
}

async function toolTotals(store: SpanStore, traceIds: readonly string[]) {
  if (traceIds.length === 0) return { calls: 0, errors: 0 };
  const [r] = await store.query<Record<string, unknown>>(
    `SELECT count() AS calls, countIf(status = 'error') AS errors FROM ${q(store, 'tool_calls')} WHERE TraceId IN {ids:Array(String)}`,
    { ids: traceIds },
  );
  return { calls: n(r?.calls), errors: n(r?.errors) };
}

/**
 * Reads the stored view, polling until the store holds as many LLM calls as the gateway
 * answered (`expectedLlmCalls`) and as many tool calls as were made, or `waitMs` passes.
 */
export async function readGatewayView(
  store: SpanStore,
  o: { scenario: string; execution: string; traceIds: readonly string[]; expectedLlmCalls: number; expectedToolCalls: number; flush: () => Promise<void>; waitMs: number },
): Promise<GatewayView> {
  const deadline = Date.now() + o.waitMs;
  const traceIds = o.traceIds.slice(0, 10_000);
  for (;;) {
    await o.flush().catch(() => undefined);
    const llm = await llmTotals(store, o.scenario, o.execution);
    const tool = await toolTotals(store, traceIds);
    const complete = llm.calls >= o.expectedLlmCalls && tool.calls >= o.expectedToolCalls;
    if (complete || Date.now() > deadline) {
      return {
        llmCalls: llm.calls, llmErrors: llm.errors, inputTokens: llm.input, outputTokens: llm.output, costMicroUsd: llm.cost,
        servedByBackup: llm.backup, cacheHits: llm.cacheHits, cacheSavedMicroUsd: llm.cacheSaved, toolCalls: tool.calls, toolErrors: tool.errors, complete,
      };
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}
