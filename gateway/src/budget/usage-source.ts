import type { SpanStore } from '../../../collector/src/index.js';
import type { BudgetRuleConfig } from '../config/sections/budgets.js';

/** Spend of one budget's subjects from `fromMs` on, in the ledger's buckets. */
export interface UsageQuery {
  rule: BudgetRuleConfig;
  fromMs: number;
  originMs: number;
  bucketMs: number;
}

export interface UsageRow {
  /** `agent:alice`, `team:research`, `key:k1` or `global` (as the ledger names subjects). */
  subject: string;
  bucketStartMs: number;
  costMicroUsd: number;
  tokens: number;
}

/** Where the ledger reads persisted spend from. */
export interface UsageSource {
  usageBuckets(q: UsageQuery): Promise<UsageRow[]>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const list = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : typeof v === 'string' ? [v] : v);

const SUBJECT: Record<BudgetRuleConfig['per'], { expr: string; nonEmpty?: string }> = {
  agent: { expr: `concat('agent:', agent)` },
  team: { expr: `concat('team:', team)`, nonEmpty: 'team' },
  key: { expr: `concat('key:', key_id)`, nonEmpty: 'key_id' },
  global: { expr: `'global'` },
};

/**
 * SQL for a budget's spend per subject and bucket, from the per-minute rollups
 * (`llm_usage_1m`, plus `tool_usage_1m` for priced tool calls). Pure; parameters bound by
 * the client. Summing at read time is what SummingMergeTree needs.
 */
export function buildUsageQuery(database: string, q: UsageQuery): { sql: string; params: Record<string, unknown> } {
  if (!IDENT.test(database)) throw new Error(`not an identifier: ${database}`);
  const { rule } = q;
  const subject = SUBJECT[rule.per];
  const params: Record<string, unknown> = { fromMs: Math.trunc(q.fromMs), originMs: Math.trunc(q.originMs), bucketMs: Math.trunc(q.bucketMs) };
  const where = ['minute >= toDateTime(intDiv({fromMs:Int64}, 1000))'];
  if (subject.nonEmpty) where.push(`${subject.nonEmpty} != ''`);
  const filters: Array<[string, string | string[] | undefined]> = [['agent', rule.match.agent], ['team', rule.match.team]];
  for (const [col, v] of filters) {
    const values = list(v);
    if (values) {
      params[`m_${col}`] = values;
      where.push(`${col} IN {m_${col}:Array(String)}`);
    }
  }
  const llmWhere = [...where];
  const keys = list(rule.match.keyId);
  if (keys) {
    params.m_key = keys;
    llmWhere.push('key_id IN {m_key:Array(String)}');
  }
  const models = list(rule.match.model);
  if (models) {
    params.m_model = models;
    llmWhere.push('request_model IN {m_model:Array(String)}');
  }
  const bucket = '{originMs:Int64} + intDiv(toInt64(toUnixTimestamp(minute)) * 1000 - {originMs:Int64}, {bucketMs:Int64}) * {bucketMs:Int64}';
  const parts = [
    `SELECT ${subject.expr} AS subject, ${bucket} AS bucket_ms, toInt64(cost_micro_usd) AS cost, toInt64(input_tokens + output_tokens) AS tokens
     FROM \`${database}\`.\`llm_usage_1m\` WHERE ${llmWhere.join(' AND ')}`,
  ];
  // tool_usage_1m has no key_id or model: tool spend counts for budgets that select neither.
  const tools = rule.includeToolCalls && rule.limitUsd !== undefined && rule.per !== 'key' && !keys && !models;
  if (tools) {
    parts.push(`SELECT ${subject.expr} AS subject, ${bucket} AS bucket_ms, toInt64(cost_micro_usd) AS cost, toInt64(0) AS tokens
     FROM \`${database}\`.\`tool_usage_1m\` WHERE ${where.join(' AND ')}`);
  }
  const sql = `SELECT subject, bucket_ms, sum(cost) AS cost, sum(tokens) AS tokens
FROM (${parts.join('\n UNION ALL ')})
GROUP BY subject, bucket_ms`;
  return { sql, params };
}

/** The ledger's view of a store (`SpanStore` from the collector). */
export function storeUsageSource(store: Pick<SpanStore, 'info' | 'query'>): UsageSource {
  return {
    async usageBuckets(q) {
      const { sql, params } = buildUsageQuery(store.info.database, q);
      const rows = await store.query<{ subject: string; bucket_ms: unknown; cost: unknown; tokens: unknown }>(sql, params);
      // 64-bit integers arrive quoted from a server and bare from chDB.
      return rows.map((r) => ({ subject: r.subject, bucketStartMs: Number(r.bucket_ms), costMicroUsd: Number(r.cost), tokens: Number(r.tokens) }));
    },
  };
}
