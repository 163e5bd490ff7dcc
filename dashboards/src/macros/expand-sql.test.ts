import { describe, expect, it } from 'vitest';
import { interpolateMacros, MacroError, stripComments } from './backend-macros.js';
import { expandPanelSql } from './expand-sql.js';
import { applyConditionalAll, replaceVariables } from './frontend-variables.js';

// Test vectors of the plugin's Go tests (pkg/macros/macros_test.go, TestInterpolate and the
// per-macro tests): from 2014-11-12T11:45:26.123Z, to 2015-11-12T11:45:26.456Z.
const ctx = { from: new Date('2014-11-12T11:45:26.123Z'), to: new Date('2015-11-12T11:45:26.456Z'), intervalMs: 20_000 };

describe('backend macros reproduce the plugin test vectors', () => {
  it.each([
    ['select * from foo where $__timeFilter(cast(sth as timestamp))', 'select * from foo where cast(sth as timestamp) >= toDateTime(1415792726) AND cast(sth as timestamp) <= toDateTime(1447328726)'],
    ['select * from foo where $__timeFilter(cast(sth as timestamp) )', 'select * from foo where cast(sth as timestamp) >= toDateTime(1415792726) AND cast(sth as timestamp) <= toDateTime(1447328726)'],
    ['select * from foo where $__timeFilter_ms(cast(sth as timestamp))', 'select * from foo where cast(sth as timestamp) >= fromUnixTimestamp64Milli(1415792726123) AND cast(sth as timestamp) <= fromUnixTimestamp64Milli(1447328726456)'],
    ['select * from foo where $__timeFilter_ms(cast(sth as timestamp) )', 'select * from foo where cast(sth as timestamp) >= fromUnixTimestamp64Milli(1415792726123) AND cast(sth as timestamp) <= fromUnixTimestamp64Milli(1447328726456)'],
    ['select * from foo where ( date >= $__fromTime and date <= $__toTime ) limit 100', 'select * from foo where ( date >= toDateTime(1415792726) and date <= toDateTime(1447328726) ) limit 100'],
    ['select * from foo where ( date >= $__fromTime ) and ( date <= $__toTime ) limit 100', 'select * from foo where ( date >= toDateTime(1415792726) ) and ( date <= toDateTime(1447328726) ) limit 100'],
    ['select * from foo where ( date >= $__fromTime_ms and date <= $__toTime_ms ) limit 100', 'select * from foo where ( date >= fromUnixTimestamp64Milli(1415792726123) and date <= fromUnixTimestamp64Milli(1447328726456) ) limit 100'],
    ['select * from foo where ( date >= $__fromTime_ms ) and ( date <= $__toTime_ms ) limit 100', 'select * from foo where ( date >= fromUnixTimestamp64Milli(1415792726123) ) and ( date <= fromUnixTimestamp64Milli(1447328726456) ) limit 100'],
  ])('%s', (input, output) => {
    expect(interpolateMacros(input, ctx)).toBe(output);
  });

  it('per-macro vectors: dates, intervals', () => {
    expect(interpolateMacros('$__dateFilter(dateCol)', ctx)).toBe("dateCol >= toDate('2014-11-12') AND dateCol <= toDate('2015-11-12')");
    expect(interpolateMacros('$__dateTimeFilter(dateCol, timeCol)', ctx)).toBe(
      "(dateCol >= toDate('2014-11-12') AND dateCol <= toDate('2015-11-12')) AND (timeCol >= toDateTime(1415792726) AND timeCol <= toDateTime(1447328726))",
    );
    expect(interpolateMacros('select $__timeInterval(col) from foo', ctx)).toBe('select toStartOfInterval(toDateTime(col), INTERVAL 20 second) from foo');
    expect(interpolateMacros('select $__timeInterval_ms(col) from foo', ctx)).toBe('select toStartOfInterval(toDateTime64(col, 3), INTERVAL 20000 millisecond) from foo');
    expect(interpolateMacros('INTERVAL $__interval_s second', ctx)).toBe('INTERVAL 20 second');
  });

  it('nests: a macro argument may be a macro (longest names first)', () => {
    expect(interpolateMacros('SELECT $__timeInterval($__fromTime)', { ...ctx, intervalMs: 60_000 })).toBe(
      'SELECT toStartOfInterval(toDateTime(toDateTime(1415792726)), INTERVAL 60 second)',
    );
    expect(interpolateMacros('$__timeGroup(ts, 5m)', ctx)).toBe('toStartOfInterval(toDateTime(ts), INTERVAL 300 second)');
  });

  it('interval below a second counts as one; unknown macros stay; bad arguments fail like sqlds', () => {
    expect(interpolateMacros('$__interval_s $__nope(x)', { ...ctx, intervalMs: 200 })).toBe('1 $__nope(x)');
    expect(() => interpolateMacros('$__timeFilter(a, b)', ctx)).toThrow(MacroError);
    expect(() => interpolateMacros('$__timeFilter(a', ctx)).toThrow(/missing close bracket/);
  });

  it('strips comments outside quotes only', () => {
    expect(stripComments("SELECT 1 -- $__timeFilter(x)\n, '--not' /* c */ , 'it''s -- fine'")).toBe("SELECT 1  \n, '--not'   , 'it''s -- fine'");
  });
});

describe('frontend: $__conditionalAll and variables', () => {
  const cond = 'WHERE $__conditionalAll(model IN (${model:singlequote}), $model) AND x';

  it('All or empty drops the condition to 1=1; a selection keeps it', () => {
    expect(applyConditionalAll(cond, { model: '$__all' })).toBe('WHERE 1=1 AND x');
    expect(applyConditionalAll(cond, { model: ['$__all'] })).toBe('WHERE 1=1 AND x');
    expect(applyConditionalAll(cond, { model: '' })).toBe('WHERE 1=1 AND x');
    expect(applyConditionalAll(cond, { model: ['a', 'b'] })).toBe('WHERE model IN (${model:singlequote}) AND x');
    expect(applyConditionalAll('$__conditionalAll(a = 1, ${model})', { model: '$__all' })).toBe('1=1');
  });

  it('formats values like Grafana: singlequote escapes, the plugin default quotes lists only', () => {
    const vars = { model: ['gpt-4o', "it's"], one: 'solo', many: ['x'] };
    expect(replaceVariables('IN (${model:singlequote})', { vars })).toBe("IN ('gpt-4o','it\\'s')");
    expect(replaceVariables('= $one AND IN ($many) AND [[one]]', { vars })).toBe("= solo AND IN ('x') AND solo");
    expect(replaceVariables('${model:csv} $unknown ${__x}', { vars })).toBe("gpt-4o,it's $unknown ${__x}");
    expect(replaceVariables("IN (${m:singlequote})", { vars: { m: '$__all' }, options: { m: ['a', 'b'] } })).toBe("IN ('a','b')");
  });

  it('the whole pipeline: conditionalAll, variables, then macros', () => {
    const sql = 'SELECT $__timeInterval(Timestamp) AS time FROM t WHERE $__timeFilter(Timestamp) AND $__conditionalAll(m IN (${m:singlequote}), $m) AND n = ${n:singlequote} LIMIT $__interval_ms';
    expect(expandPanelSql(sql, { ...ctx, intervalMs: 60_000, vars: { m: ['a'], n: 'b' } })).toBe(
      "SELECT toStartOfInterval(toDateTime(Timestamp), INTERVAL 60 second) AS time FROM t WHERE Timestamp >= toDateTime(1415792726) AND Timestamp <= toDateTime(1447328726) AND m IN ('a') AND n = 'b' LIMIT 60000",
    );
  });
});
