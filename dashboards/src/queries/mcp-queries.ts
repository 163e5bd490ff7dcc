import { ATTR, SLUICE } from '../../../collector/src/index.js';
import { TOOL_CHANGED_EVENT } from '../../../mcp/src/index.js';
import { REFUSAL_KIND, REFUSED } from './agents-queries.js';
import { attr, sql, spanWhere, type Tables, TOOL_SERVER_SPAN, toolWhere, varIn } from './sql-parts.js';

/** `server/tool`, or the federated name alone when it already carries its server (`sim__search`). */
const SERVER_TOOL = `if(startsWith(toString(tool), concat(toString(server), '__')), toString(tool), concat(toString(server), '/', toString(tool)))`;

/** The fingerprint an operator approved, next to the new one on a definition-change event. */
const PINNED_FINGERPRINT = `${SLUICE.TOOL_FINGERPRINT}.pinned`;

/**
 * MCP tools: calls per server and tool, errors (the tool failed or the server faulted),
 * latency, refusals (policy, limits, blocked definitions, guardrails) and tool-definition
 * changes (`sluice.mcp.tool_definition_changed` span events).
 */
export function mcpQueries(t: Tables) {
  const w = toolWhere();
  const ev = (name: string) => `Events.Attributes['${name}']`;
  // Events name the upstream tool; the tool variable lists the names agents call (maybe `server__tool`).
  const eventTool = `$__conditionalAll((${ev(ATTR.GEN_AI_TOOL_NAME)} IN (\${tool:singlequote}) OR concat(${ev(SLUICE.MCP_SERVER)}, '__', ${ev(ATTR.GEN_AI_TOOL_NAME)}) IN (\${tool:singlequote})), $tool)`;
  return {
    callsTotal: sql`
      SELECT count() AS calls FROM ${t.toolCalls}
      WHERE ${w}`,
    errorRatioTotal: sql`
      SELECT countIf(status = 'error') / greatest(count(), 1) AS error_ratio FROM ${t.toolCalls}
      WHERE ${w}`,
    callsPerSecond: sql`
      SELECT $__timeInterval(Timestamp) AS time, ${SERVER_TOOL} AS tool, count() / $__interval_s AS calls_per_s
      FROM ${t.toolCalls}
      WHERE ${w}
      GROUP BY time, tool
      ORDER BY time`,
    errorRatioByServer: sql`
      SELECT $__timeInterval(Timestamp) AS time, toString(server) AS server, countIf(status = 'error') / count() AS error_ratio
      FROM ${t.toolCalls}
      WHERE ${w}
      GROUP BY time, server
      ORDER BY time`,
    latencyPercentiles: sql`
      SELECT $__timeInterval(Timestamp) AS time,
        quantile(0.5)(duration_ms) AS p50, quantile(0.95)(duration_ms) AS p95, quantile(0.99)(duration_ms) AS p99
      FROM ${t.toolCalls}
      WHERE ${w}
      GROUP BY time
      ORDER BY time`,
    slowestTools: sql`
      SELECT toString(server) AS server, toString(tool) AS tool, count() AS calls,
        quantile(0.5)(duration_ms) AS p50_ms, quantile(0.95)(duration_ms) AS p95_ms, quantile(0.99)(duration_ms) AS p99_ms, max(duration_ms) AS max_ms,
        countIf(status = 'error') / count() AS error_ratio
      FROM ${t.toolCalls}
      WHERE ${w}
      GROUP BY server, tool
      ORDER BY p95_ms DESC, calls DESC
      LIMIT 20`,
    refusals: sql`
      SELECT $__timeInterval(Timestamp) AS time, ${REFUSAL_KIND} AS reason, count() AS refusals
      FROM ${t.traces}
      WHERE ${spanWhere(['agent', 'team', 'server', 'tool'])} AND ${TOOL_SERVER_SPAN} AND ${REFUSED}
      GROUP BY time, reason
      ORDER BY time`,
    definitionChangesTotal: sql`
      SELECT count() AS changes
      FROM ${t.traces}
      ARRAY JOIN Events
      WHERE $__timeFilter(Timestamp) AND Events.Name = '${TOOL_CHANGED_EVENT}'
        AND ${varIn(ev(SLUICE.MCP_SERVER), 'server')} AND ${eventTool}`,
    definitionChanges: sql`
      SELECT Events.Timestamp AS time, ${ev(SLUICE.MCP_SERVER)} AS server, ${ev(ATTR.GEN_AI_TOOL_NAME)} AS tool,
        ${ev(SLUICE.TOOL_FINGERPRINT)} AS fingerprint, ${ev(PINNED_FINGERPRINT)} AS pinned_fingerprint,
        ${attr(SLUICE.AGENT)} AS seen_by, SpanName AS during
      FROM ${t.traces}
      ARRAY JOIN Events
      WHERE $__timeFilter(Timestamp) AND Events.Name = '${TOOL_CHANGED_EVENT}'
        AND ${varIn(ev(SLUICE.MCP_SERVER), 'server')} AND ${eventTool}
      ORDER BY time DESC
      LIMIT 100`,
    callsByAgent: sql`
      SELECT toString(agent) AS agent, toString(server) AS server, toString(tool) AS tool, count() AS calls,
        countIf(status = 'error') AS errors, quantile(0.95)(duration_ms) AS p95_ms, sum(cost_micro_usd) / 1e6 AS cost_usd
      FROM ${t.toolCalls}
      WHERE ${w}
      GROUP BY agent, server, tool
      ORDER BY calls DESC
      LIMIT 50`,
  };
}
