import { sql, type Tables, varIn } from './sql-parts.js';

/**
 * Scenario results: runs of a scenario (`sluice.scenario`, `sluice.run_id`) side by side
 * (variable `runs`), and one run against its baseline (`run`, `baseline`).
 */
export function scenarioQueries(t: Tables) {
  const ofScenario = `$__timeFilter(Timestamp) AND run_id != '' AND ${varIn('scenario', 'scenario')}`;
  const selected = `${ofScenario} AND ${varIn('run_id', 'runs')}`;
  const one = (variable: string) => sql`
    SELECT tuple(toFloat64(count()), countIf(status = 'error') / greatest(count(), 1), quantile(0.5)(duration_ms), quantile(0.95)(duration_ms),
      quantile(0.99)(duration_ms), quantileIf(0.95)(ttft_ms, ttft_ms > 0), toFloat64(sum(input_tokens) + sum(output_tokens)), sum(cost_micro_usd) / 1e6)
    FROM ${t.llmCalls} WHERE $__timeFilter(Timestamp) AND run_id IN (\${${variable}:singlequote})`;
  return {
    runs: sql`
      SELECT run_id, min(Timestamp) AS started, count() AS calls, countIf(status = 'error') / count() AS error_ratio,
        quantile(0.5)(duration_ms) AS p50_ms, quantile(0.95)(duration_ms) AS p95_ms, quantile(0.99)(duration_ms) AS p99_ms,
        quantileIf(0.95)(ttft_ms, ttft_ms > 0) AS ttft_p95_ms, sum(input_tokens) + sum(output_tokens) AS tokens, sum(cost_micro_usd) / 1e6 AS cost_usd
      FROM ${t.llmCalls}
      WHERE ${selected}
      GROUP BY run_id
      ORDER BY started`,
    latencyByRun: sql`
      SELECT run_id, quantile(0.5)(duration_ms) AS p50_ms, quantile(0.95)(duration_ms) AS p95_ms, quantile(0.99)(duration_ms) AS p99_ms
      FROM ${t.llmCalls}
      WHERE ${selected}
      GROUP BY run_id
      ORDER BY min(Timestamp)`,
    errorRatioByRun: sql`
      SELECT run_id, countIf(status = 'error') / count() AS error_ratio
      FROM ${t.llmCalls}
      WHERE ${selected}
      GROUP BY run_id
      ORDER BY min(Timestamp)`,
    costByRun: sql`
      SELECT run_id, sum(cost_micro_usd) / 1e6 AS cost_usd
      FROM ${t.llmCalls}
      WHERE ${selected}
      GROUP BY run_id
      ORDER BY min(Timestamp)`,
    latencyOverTime: sql`
      SELECT $__timeInterval(Timestamp) AS time, toString(run_id) AS run, quantile(0.95)(duration_ms) AS p95
      FROM ${t.llmCalls}
      WHERE ${selected}
      GROUP BY time, run
      ORDER BY time`,
    // change = (run − baseline) / baseline, per metric.
    runVsBaseline: sql`
      WITH (
      ${one('run')}
      ) AS r, (
      ${one('baseline')}
      ) AS b
      SELECT m.1 AS metric, m.2 AS run, m.3 AS baseline, if(m.3 = 0, NULL, (m.2 - m.3) / m.3) AS change
      FROM (
        SELECT arrayJoin([
          ('calls', r.1, b.1), ('error ratio', r.2, b.2), ('p50 ms', r.3, b.3), ('p95 ms', r.4, b.4), ('p99 ms', r.5, b.5),
          ('TTFT p95 ms', r.6, b.6), ('tokens', r.7, b.7), ('cost USD', r.8, b.8)
        ]) AS m
      )`,
  };
}
