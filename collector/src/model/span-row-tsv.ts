import { encodeRowsWith, type SpanRow } from './span-row.js';

/**
 * `otel_traces` rows as a `TabSeparated` insert body, the format the collector spooled before
 * `Native` (spools written then are still replayed, and tests write such spools with this).
 * It stores exactly what the JSONEachRow body of the same rows stores (checked on chDB by
 * `row-format.test.ts`), in the exporter's column order:
 *
 * - strings: `\` tab, newline and carriage return backslash-escaped;
 * - maps `{'k':'v',…}` and arrays `['a',…]` with quoted strings (`'` escaped as well);
 * - times (DateTime64(9)) as `seconds.nanoseconds` (bare digits are ambiguous in TSV:
 *   ClickHouse refuses 18-digit ones), quoted inside arrays;
 * - 64-bit integers as digits.
 */
export function encodeSpanRowTsv(r: SpanRow, resourceTsv = tsvMap(r.ResourceAttributes)): string {
  let evTs = '';
  let evName = '';
  let evAttr = '';
  for (const e of r.Events) {
    const sep = evTs === '' ? '' : ',';
    evTs += `${sep}'${tsvTime(e.Timestamp)}'`;
    evName += `${sep}${tsvQuoted(e.Name)}`;
    evAttr += `${sep}${tsvMap(e.Attributes)}`;
  }
  let lTrace = '';
  let lSpan = '';
  let lState = '';
  let lAttr = '';
  for (const l of r.Links) {
    const sep = lTrace === '' ? '' : ',';
    lTrace += `${sep}${tsvQuoted(l.TraceId)}`;
    lSpan += `${sep}${tsvQuoted(l.SpanId)}`;
    lState += `${sep}${tsvQuoted(l.TraceState)}`;
    lAttr += `${sep}${tsvMap(l.Attributes)}`;
  }
  return (
    `${tsvTime(r.Timestamp)}\t${tsvField(r.TraceId)}\t${tsvField(r.SpanId)}\t${tsvField(r.ParentSpanId)}\t${tsvField(r.TraceState)}\t` +
    `${tsvField(r.SpanName)}\t${tsvField(r.SpanKind)}\t${tsvField(r.ServiceName)}\t${resourceTsv}\t${tsvField(r.ScopeName)}\t` +
    `${tsvField(r.ScopeVersion)}\t${tsvMap(r.SpanAttributes)}\t${r.Duration.toString()}\t${tsvField(r.StatusCode)}\t${tsvField(r.StatusMessage)}\t` +
    `[${evTs}]\t[${evName}]\t[${evAttr}]\t[${lTrace}]\t[${lSpan}]\t[${lState}]\t[${lAttr}]\n`
  );
}

/** The TabSeparated body for a batch of rows. */
export function encodeSpanRowsTsv(rows: readonly SpanRow[]): string {
  return encodeRowsWith(rows, tsvMap, encodeSpanRowTsv);
}

const FIELD_SPECIAL = /[\\\t\n\r]/;
const FIELD_SPECIAL_ALL = /[\\\t\n\r]/g;
const QUOTED_SPECIAL = /[\\\t\n\r']/;
const QUOTED_SPECIAL_ALL = /[\\\t\n\r']/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', "'": "\\'" };
const escape = (c: string): string => ESCAPES[c] as string;

/** A top-level string field. */
export const tsvField = (s: string): string => (FIELD_SPECIAL.test(s) ? s.replace(FIELD_SPECIAL_ALL, escape) : s);

/** A string inside a map or an array. */
export const tsvQuoted = (s: string): string => `'${QUOTED_SPECIAL.test(s) ? s.replace(QUOTED_SPECIAL_ALL, escape) : s}'`;

/** A `Map(String, String)` value, in the record's key order. */
export function tsvMap(m: Record<string, string>): string {
  let out = '';
  // Object.keys: the order JSON.stringify writes (integer-like keys first).
  for (const k of Object.keys(m)) out += `${out === '' ? '' : ','}${tsvQuoted(k)}:${tsvQuoted(m[k] as string)}`;
  return `{${out}}`;
}

/** A DateTime64(9) from nanoseconds since the epoch (non-negative). */
export function tsvTime(ns: bigint): string {
  const s = ns.toString().padStart(10, '0');
  return `${s.slice(0, -9)}.${s.slice(-9)}`;
}
