import { ATTR, SLUICE } from '../../../collector/src/index.js';
import { toolCallsWithRun } from './run-queries.js';
import { attr, llmWhere, sql, spanWhere, type Tables, toolWhere } from './sql-parts.js';

/** Refusal codes as the gateway and the MCP gateway put them in `sluice.error.code`. */
export const REFUSAL_CODES = {
  budget: ['GW_BUDGET_EXCEEDED'],
  rateLimit: ['GW_RATE_LIMITED', 'MCP_RATE_LIMITED'],
  rbac: ['GW_PERMISSION_DENIED'],
  toolBlocked: ['MCP_TOOL_BLOCKED'],
  guardrail: ['GW_GUARDRAIL_REJECTED', 'MCP_GUARDRAIL_REJECTED'],
} as const;

const list = (codes: readonly string[]): string => codes.map((c) => `'${c}'`).join(', ');
const ALL_REFUSALS = list(Object.values(REFUSAL_CODES).flat());
const code = attr(SLUICE.ERROR_CODE);
const decision = attr(SLUICE.AUTHZ_DECISION);

/** A refusal's kind: budget, rate limit, rbac (policy deny), tool blocked, guardrail. */
export const REFUSAL_KIND = `multiIf(${code} IN (${list(REFUSAL_CODES.budget)}), 'budget',
    ${code} IN (${list(REFUSAL_CODES.rateLimit)}), 'rate limit',
    ${code} IN (${list(REFUSAL_CODES.rbac)}) OR ${decision} = 'deny', 'rbac',
    ${code} IN (${list(REFUSAL_CODES.toolBlocked)}), 'tool blocked',
    'guardrail')`;

/** SERVER spans (LLM and tool calls) the gateway refused. */
export const REFUSED = `SpanKind = 'Server' AND (${code} IN (${ALL_REFUSALS}) OR ${decision} = 'deny')`;

/** What refused it: the budget, the rate limit or the policy rule, by name; else the code. */
const REFUSED_BY = `multiIf(${code} IN (${list(REFUSAL_CODES.budget)}) AND ${attr(SLUICE.BUDGET_NAME)} != '', ${attr(SLUICE.BUDGET_NAME)},
    ${code} IN (${list(REFUSAL_CODES.rateLimit)}) AND ${attr(SLUICE.RATELIMIT_NAME)} != '', ${attr(SLUICE.RATELIMIT_NAME)},
    ${decision} = 'deny' AND ${attr(SLUICE.AUTHZ_RULE)} != '', ${attr(SLUICE.AUTHZ_RULE)},
    ${code})`;

/**
 * Agents and budgets: spend per agent and team, every budget's spend, what is left, burn rate
 * and projected exhaustion (from `sluice.budget.*` on each charged call), refusals, and the
 * most expensive runs.
 */
export function agentsQueries(t: Tables) {
  const llmAt = llmWhere('minute', ['agent', 'team']);
  const toolAt = toolWhere('minute', ['agent', 'team']);
  const spendBy = (dim: 'agent' | 'team') => sql`
    SELECT time, ${dim}, sum(cost) / 1e6 AS cost_usd
    FROM (
      SELECT $__timeInterval(minute) AS time, toString(${dim}) AS ${dim}, cost_micro_usd AS cost FROM ${t.llmUsage1m} WHERE ${llmAt}
      UNION ALL
      SELECT $__timeInterval(minute) AS time, toString(${dim}) AS ${dim}, cost_micro_usd AS cost FROM ${t.toolUsage1m} WHERE ${toolAt}
    )
    GROUP BY time, ${dim}
    ORDER BY time`;
  const budget = attr(SLUICE.BUDGET_NAME);
  const charged = `${spanWhere(['agent', 'team'])}
  AND SpanKind = 'Server' AND ${budget} != '' AND mapContains(SpanAttributes, '${SLUICE.BUDGET_REMAINING_MICRO_USD}')`;
  return {
    spendByAgent: spendBy('agent'),
    spendByTeam: spendBy('team'),
    // Remaining is what the tightest budget had left after each charge; the burn rate is the
    // last hour's spend, and exhaustion is remaining ÷ burn rate (in seconds).
    budgets: sql`
      SELECT budget, agent, team, spent_usd, remaining_usd, burn_usd_per_h,
        if(burn_usd_per_h > 0, remaining_usd / burn_usd_per_h * 3600, NULL) AS exhausted_in_s,
        last_charge
      FROM (
        SELECT ${budget} AS budget, ${attr(SLUICE.AGENT)} AS agent, ${attr(SLUICE.TEAM)} AS team,
          sum(toInt64OrZero(${attr(SLUICE.COST_MICRO_USD)})) / 1e6 AS spent_usd,
          argMax(toInt64OrZero(${attr(SLUICE.BUDGET_REMAINING_MICRO_USD)}), Timestamp) / 1e6 AS remaining_usd,
          sumIf(toInt64OrZero(${attr(SLUICE.COST_MICRO_USD)}), Timestamp >= now() - INTERVAL 1 HOUR) / 1e6 AS burn_usd_per_h,
          max(Timestamp) AS last_charge
        FROM ${t.traces}
        WHERE ${charged}
        GROUP BY budget, agent, team
      )
      ORDER BY exhausted_in_s IS NULL, exhausted_in_s, budget, agent`,
    budgetRemaining: sql`
      SELECT $__timeInterval(Timestamp) AS time, concat(${budget}, ' · ', ${attr(SLUICE.AGENT)}) AS budget,
        argMax(toInt64OrZero(${attr(SLUICE.BUDGET_REMAINING_MICRO_USD)}), Timestamp) / 1e6 AS remaining_usd
      FROM ${t.traces}
      WHERE ${charged}
      GROUP BY time, budget
      ORDER BY time`,
    refusalsOverTime: sql`
      SELECT $__timeInterval(Timestamp) AS time, ${REFUSAL_KIND} AS reason, count() AS refusals
      FROM ${t.traces}
      WHERE ${spanWhere(['agent', 'team'])} AND ${REFUSED}
      GROUP BY time, reason
      ORDER BY time`,
    refusalsTable: sql`
      SELECT ${attr(SLUICE.AGENT)} AS agent, ${attr(SLUICE.TEAM)} AS team, ${REFUSAL_KIND} AS reason, ${REFUSED_BY} AS refused_by,
        if(${attr(ATTR.GEN_AI_OPERATION_NAME)} = 'execute_tool', ${attr(ATTR.GEN_AI_TOOL_NAME)}, ${attr(ATTR.GEN_AI_REQUEST_MODEL)}) AS target,
        count() AS refusals, max(Timestamp) AS last_refused
      FROM ${t.traces}
      WHERE ${spanWhere(['agent', 'team'])} AND ${REFUSED}
      GROUP BY agent, team, reason, refused_by, target
      ORDER BY refusals DESC, last_refused DESC
      LIMIT 100`,
    agentsTable: sql`
      SELECT toString(agent) AS agent, toString(team) AS team, count() AS calls, countIf(status = 'error') / count() AS error_ratio,
        quantile(0.95)(duration_ms) AS p95_ms, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
        sum(cost_micro_usd) / 1e6 AS cost_usd
      FROM ${t.llmCalls}
      WHERE ${llmWhere('Timestamp', ['agent', 'team'])}
      GROUP BY agent, team
      ORDER BY cost_usd DESC, calls DESC`,
    // A run is a conversation (`gen_ai.conversation.id`), else a single trace; tool calls
    // join the conversation of their trace.
    expensiveRuns: sql`
      SELECT run, any(agent) AS agent, min(Timestamp) AS started, countIf(kind = 'llm') AS llm_calls, countIf(kind = 'tool') AS tool_calls,
        sum(tokens) AS tokens, sum(cost) / 1e6 AS cost_usd, countIf(status = 'error') AS errors
      FROM (
        SELECT if(conversation_id != '', conversation_id, TraceId) AS run, toString(agent) AS agent, Timestamp, 'llm' AS kind,
          input_tokens + output_tokens AS tokens, cost_micro_usd AS cost, toString(status) AS status
        FROM ${t.llmCalls} WHERE ${llmWhere('Timestamp', ['agent', 'team'])}
        UNION ALL
        SELECT run, toString(agent) AS agent, Timestamp, 'tool' AS kind, toUInt64(0) AS tokens, cost_micro_usd AS cost, toString(status) AS status
        FROM (
        ${toolCallsWithRun(t, toolWhere('Timestamp', ['agent', 'team']))}
        )
      )
      GROUP BY run
      ORDER BY cost_usd DESC, tokens DESC
      LIMIT 20`,
  };
}
