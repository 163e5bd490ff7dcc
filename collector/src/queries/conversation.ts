import type { SpanStore } from '../store/store.js';
import { num, table, type BuiltQuery } from './window.js';

/** One step of a conversation (an agent run): an LLM call or a tool call. */
export interface ConversationCall {
  kind: 'llm' | 'tool';
  /** Start time, ms since the epoch. */
  timeMs: number;
  traceId: string;
  spanId: string;
  agent: string;
  /** Model (LLM) or tool name. */
  name: string;
  /** Provider (LLM) or MCP server. */
  target: string;
  durationMs: number;
  status: 'ok' | 'error';
  errorType: string;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
}

export interface ConversationQuery {
  conversationId: string;
  /** At most this many calls (default 1000). */
  limit?: number;
}

/** LLM and tool calls of one conversation (`gen_ai.conversation.id`), in time order. */
export function buildConversationCallsQuery(database: string, q: ConversationQuery): BuiltQuery {
  const sql = `SELECT * FROM (
    SELECT 'llm' AS kind, toUnixTimestamp64Milli(Timestamp) AS time_ms, TraceId, SpanId, agent,
        toString(request_model) AS name, toString(provider) AS target, duration_ms, toString(status) AS status,
        toString(error_type) AS error_type, input_tokens, output_tokens, cost_micro_usd
    FROM ${table(database, 'llm_calls')} WHERE conversation_id = {cid:String}
    UNION ALL
    SELECT 'tool' AS kind, toUnixTimestamp64Milli(Timestamp) AS time_ms, TraceId, SpanId, agent,
        toString(tool) AS name, toString(server) AS target, duration_ms, toString(status) AS status,
        toString(error_type) AS error_type, toUInt64(0) AS input_tokens, toUInt64(0) AS output_tokens, cost_micro_usd
    FROM ${table(database, 'tool_calls')} WHERE conversation_id = {cid:String}
)
ORDER BY time_ms, kind, SpanId
LIMIT {limit:UInt32}`;
  return { sql, params: { cid: q.conversationId, limit: Math.max(1, Math.min(q.limit ?? 1000, 100_000)) } };
}

export async function queryConversationCalls(store: SpanStore, q: ConversationQuery): Promise<ConversationCall[]> {
  const { sql, params } = buildConversationCallsQuery(store.info.database, q);
  const rows = await store.query<Record<string, unknown>>(sql, params);
  return rows.map((r) => ({
    kind: r.kind === 'tool' ? 'tool' : 'llm',
    timeMs: num(r.time_ms),
    traceId: String(r.TraceId),
    spanId: String(r.SpanId),
    agent: String(r.agent),
    name: String(r.name),
    target: String(r.target),
    durationMs: num(r.duration_ms),
    status: r.status === 'error' ? 'error' : 'ok',
    errorType: String(r.error_type),
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    costMicroUsd: num(r.cost_micro_usd),
  }));
}
