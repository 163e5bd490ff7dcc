import { describe, expect, it } from 'vitest';
import { CHFormat } from '../src/clickhouse-query.js';
import { type DashboardQuery, type QueryResult, shapeProblems, TRACE_COLUMNS } from './panel-queries.js';

// The shape rules panels-sql.test.ts applies to real results must reject what a panel cannot draw.
const q = (panelType: string, format: CHFormat | undefined, kind: DashboardQuery['kind'] = 'target', xField?: string): DashboardQuery => ({
  dashboard: 'd', label: 'l', kind, panelType, format, rawSql: 'SELECT 1', ...(xField ? { xField } : {}),
});
const r = (meta: Array<[string, string]>, data: Array<Record<string, unknown>>): QueryResult => ({ sql: '', meta: meta.map(([name, type]) => ({ name, type })), data });

describe('panel result shapes', () => {
  it('no rows fails every panel', () => {
    expect(shapeProblems(q('table', CHFormat.Table), r([['a', 'String']], []))).toEqual(['no rows']);
  });

  it('time series: time first, a numeric column, not all zero', () => {
    const good = r([['time', 'DateTime'], ['s', 'String'], ['n', 'UInt64']], [{ time: 't', s: 'x', n: '3' }]);
    expect(shapeProblems(q('timeseries', CHFormat.TimeSeries), good)).toEqual([]);
    expect(shapeProblems(q('timeseries', CHFormat.TimeSeries), r([['n', 'UInt64'], ['time', 'DateTime']], [{ n: 1, time: 't' }]))[0]).toMatch(/first column must be time/);
    expect(shapeProblems(q('timeseries', CHFormat.TimeSeries), r([['time', 'DateTime'], ['s', 'String']], [{ time: 't', s: 'x' }]))).toEqual(['no numeric column']);
    expect(shapeProblems(q('timeseries', CHFormat.TimeSeries), r([['time', 'DateTime'], ['n', 'Float64']], [{ time: 't', n: 0 }]))).toEqual(['every value is zero']);
  });

  it('stat, bar gauge, bar chart and trace view need their columns', () => {
    expect(shapeProblems(q('stat', CHFormat.Table), r([['n', 'Nullable(Float64)']], [{ n: 0 }]))).toEqual(['every value is zero']);
    expect(shapeProblems(q('stat', CHFormat.Table), r([['n', 'Nullable(Float64)']], [{ n: 0.5 }]))).toEqual([]);
    expect(shapeProblems(q('bargauge', CHFormat.Table), r([['n', 'Float64']], [{ n: 1 }]))[0]).toMatch(/label column/);
    expect(shapeProblems(q('barchart', CHFormat.Table, 'target', 'run_id'), r([['run', 'String'], ['n', 'Float64']], [{ run: 'a', n: 1 }]))[0]).toMatch(/x field run_id/);
    const trace = r(TRACE_COLUMNS.slice(1).map((c) => [c, 'String'] as [string, string]), [{}]);
    expect(shapeProblems(q('traces', CHFormat.Traces), trace)).toEqual(['missing trace column traceID']);
  });

  it('variables return one or two columns', () => {
    expect(shapeProblems(q('variable', undefined, 'variable'), r([['a', 'String'], ['b', 'String'], ['c', 'String']], [{}]))[0]).toMatch(/1 or 2 columns/);
    expect(shapeProblems(q('variable', undefined, 'variable'), r([['v', 'String']], [{ v: 'x' }]))).toEqual([]);
  });
});
