import { inRun, toolCallsWithRun } from './run-queries.js';
import { type Tables, sql, varIn } from './sql-parts.js';

/**
 * Template-variable queries (string form: the SDK's JSON Schema rejects the object form).
 * One column → value = text; two columns → (value, text). They read the per-minute rollups,
 * so listing agents over 30 days stays cheap, and chain: team → agent, server → tool.
 */
export function variableQueries(t: Tables) {
  const run = inRun(t);
  const distinct = (column: string, from: string, filters: string[] = []) => sql`
    SELECT DISTINCT toString(${column}) AS value
    FROM ${from}
    WHERE $__timeFilter(minute) AND ${column} != ''${filters.map((f) => `\n  AND ${f}`).join('')}
    ORDER BY value`;
  const unionDistinct = (column: string, filters: string[]) => sql`
    SELECT DISTINCT value FROM (
      SELECT toString(${column}) AS value FROM ${t.llmUsage1m} WHERE $__timeFilter(minute)${filters.map((f) => ` AND ${f}`).join('')}
      UNION ALL
      SELECT toString(${column}) AS value FROM ${t.toolUsage1m} WHERE $__timeFilter(minute)${filters.map((f) => ` AND ${f}`).join('')}
    )
    WHERE value != ''
    ORDER BY value`;
  return {
    team: unionDistinct('team', []),
    agent: unionDistinct('agent', [varIn('team', 'team')]),
    /** Agents of every team (dashboards without a team variable). */
    anyAgent: unionDistinct('agent', []),
    model: distinct('request_model', t.llmUsage1m, [varIn('provider', 'provider')]),
    provider: distinct('provider', t.llmUsage1m),
    server: distinct('server', t.toolUsage1m),
    tool: distinct('tool', t.toolUsage1m, [varIn('server', 'server')]),
    /** Agent runs: conversation id (or the trace id of a call without one), newest first. */
    run: sql`
      SELECT run, concat(run, '  ·  ', any(agent), '  ·  ', toString(count()), ' calls') AS label
      FROM (
        SELECT if(conversation_id != '', conversation_id, TraceId) AS run, toString(agent) AS agent, Timestamp
        FROM ${t.llmCalls} WHERE $__timeFilter(Timestamp) AND ${varIn('agent', 'agent')}
        UNION ALL
        SELECT run, toString(agent) AS agent, Timestamp
        FROM (
        ${toolCallsWithRun(t, `$__timeFilter(Timestamp) AND ${varIn('agent', 'agent')}`)}
        )
      )
      GROUP BY run
      ORDER BY max(Timestamp) DESC
      LIMIT 500`,
    /** Traces of the selected run, in order, labelled with start time and what they called. */
    traceId: sql`
      SELECT TraceId, concat(formatDateTime(min(Timestamp), '%H:%i:%S'), '  ·  ', arrayStringConcat(groupUniqArray(name), ', ')) AS label
      FROM (
        SELECT TraceId, Timestamp, toString(request_model) AS name FROM ${t.llmCalls}
        WHERE $__timeFilter(Timestamp) AND ${run.llm}
        UNION ALL
        SELECT TraceId, Timestamp, toString(tool) AS name FROM ${t.toolCalls}
        WHERE $__timeFilter(Timestamp) AND ${run.tool}
      )
      GROUP BY TraceId
      ORDER BY min(Timestamp)`,
    scenario: sql`
      SELECT DISTINCT toString(scenario) AS value FROM ${t.llmCalls}
      WHERE $__timeFilter(Timestamp) AND scenario != ''
      ORDER BY value`,
    /** Runs of the scenario, newest first (the run to look at). */
    scenarioRun: scenarioRuns(t, 'DESC'),
    /** Runs of the scenario, oldest first (the baseline to compare with). */
    baselineRun: scenarioRuns(t, 'ASC'),
  };
}

function scenarioRuns(t: Tables, order: 'ASC' | 'DESC'): string {
  return sql`
    SELECT run_id, concat(run_id, '  ·  ', formatDateTime(min(Timestamp), '%Y-%m-%d %H:%i')) AS label
    FROM ${t.llmCalls}
    WHERE $__timeFilter(Timestamp) AND run_id != '' AND ${varIn('scenario', 'scenario')}
    GROUP BY run_id
    ORDER BY min(Timestamp) ${order}`;
}

export type VariableQueries = ReturnType<typeof variableQueries>;
