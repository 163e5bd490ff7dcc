import { describe, expect, it } from 'vitest';
import { createOtelTraces, enableOtelTracesDedup, modifyTtl } from './ddl.js';
import { MIGRATIONS, renderSchema } from './migrations.js';

const single = { database: 'otel', cluster: undefined, retentionDays: 30 };
const cluster = { database: 'otel', cluster: 'prod_cluster', retentionDays: 14 };

describe('schema rendering', () => {
  it('single server: no ON CLUSTER, plain engines, dedup windows on our tables', () => {
    const sql = renderSchema(single).join(';\n');
    expect(sql).not.toContain('ON CLUSTER');
    expect(sql).not.toContain('Replicated');
    expect(sql).toContain('ENGINE = MergeTree()');
    expect(sql).toContain('ENGINE = SummingMergeTree()');
    expect(sql).toContain('ENGINE = AggregatingMergeTree()');
    expect(sql.match(/non_replicated_deduplication_window = 1000/g)).toHaveLength(5); // 4 tables + ALTER otel_traces
  });

  it('cluster: every statement is ON CLUSTER with Replicated engines and no non-replicated settings', () => {
    const stmts = renderSchema(cluster);
    for (const s of stmts) expect(s).toContain('ON CLUSTER `prod_cluster`');
    const sql = stmts.join(';\n');
    expect(sql).not.toMatch(/ENGINE = (MergeTree|SummingMergeTree|AggregatingMergeTree|ReplacingMergeTree)\(\)/);
    expect(sql).toContain('ENGINE = ReplicatedMergeTree()');
    expect(sql).toContain('ENGINE = ReplicatedSummingMergeTree()');
    expect(sql).toContain('ENGINE = ReplicatedAggregatingMergeTree()');
    expect(sql).toContain('ENGINE = ReplicatedReplacingMergeTree()');
    expect(sql).not.toContain('non_replicated_deduplication_window');
    expect(enableOtelTracesDedup(cluster)).toEqual([]);
    expect(modifyTtl(cluster, 'llm_calls', 'toDateTime(Timestamp)')).toBe(
      'ALTER TABLE `otel`.`llm_calls` ON CLUSTER `prod_cluster` MODIFY TTL toDateTime(Timestamp) + toIntervalDay(14)',
    );
  });

  it('renders the retention as TTL on every table', () => {
    const sql = renderSchema({ ...single, retentionDays: 7 }).join('\n');
    expect(sql.match(/TTL .* \+ toIntervalDay\(7\)/g)).toHaveLength(6);
    expect(sql).not.toContain('toIntervalDay(30)');
  });

  it('otel_traces keeps the exporter insert contract (columns in order)', () => {
    const ddl = createOtelTraces(single);
    const columns = [
      'Timestamp DateTime64(9)',
      'TraceId String',
      'SpanId String',
      'ParentSpanId String',
      'TraceState String',
      'SpanName LowCardinality(String)',
      'SpanKind LowCardinality(String)',
      'ServiceName LowCardinality(String)',
      'ResourceAttributes Map(LowCardinality(String), String)',
      'ScopeName String',
      'ScopeVersion String',
      'SpanAttributes Map(LowCardinality(String), String)',
      'Duration UInt64',
      'StatusCode LowCardinality(String)',
      'StatusMessage String',
      'Events Nested',
      'Links Nested',
    ];
    let at = 0;
    for (const c of columns) {
      const i = ddl.indexOf(c, at);
      expect(i, c).toBeGreaterThan(at);
      at = i;
    }
    expect(ddl).toContain("INDEX idx_trace_id TraceId TYPE text(tokenizer = 'array')");
    expect(ddl).toContain('ORDER BY (ServiceName, SpanName, toDateTime(Timestamp), Timestamp)');
  });

  it('migrations have unique increasing versions', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });
});
