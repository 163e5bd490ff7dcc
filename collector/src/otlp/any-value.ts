import type { OtlpAnyValue, OtlpKeyValue } from './otlp-types.js';

/**
 * Attribute values as the OTel Collector's ClickHouse exporter stores them: pcommon
 * `Value.AsString()` (pdata/pcommon/value.go). Ints as decimal, bools `true`/`false`,
 * doubles like ES6 number-to-string, bytes base64, arrays and maps as Go `json.Marshal` of
 * `AsRaw()` (map keys sorted, `<>&` escaped as `\u003c`…). Matching it byte for byte keeps
 * rows from our collector and the official one interchangeable.
 */
export function anyValueAsString(v: OtlpAnyValue): string {
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return v.intValue.toString();
  if ('boolValue' in v) return v.boolValue ? 'true' : 'false';
  if ('doubleValue' in v) return doubleAsString(v.doubleValue);
  if ('bytesValue' in v) return Buffer.from(v.bytesValue).toString('base64');
  if ('arrayValue' in v || 'kvlistValue' in v) {
    try {
      return rawJson(v);
    } catch {
      // Go's json.Marshal fails on NaN/Inf and AsString ignores the error: empty string.
      return '';
    }
  }
  return '';
}

/** pcommon `float64AsString`. */
export function doubleAsString(d: number): string {
  if (Number.isNaN(d)) return 'json: unsupported value: NaN';
  if (!Number.isFinite(d)) return `json: unsupported value: ${d > 0 ? '+Inf' : '-Inf'}`;
  if (Object.is(d, -0)) return '-0';
  return String(d);
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/;
const HTML_UNSAFE_ALL = /[<>&\u2028\u2029]/g;
const goEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A JSON string as Go's encoding/json writes it (HTML-safe). */
export function goJsonString(s: string): string {
  const j = JSON.stringify(s);
  return HTML_UNSAFE.test(j) ? j.replace(HTML_UNSAFE_ALL, goEscape) : j;
}

class UnsupportedFloat extends Error {}

function rawJson(v: OtlpAnyValue): string {
  if ('stringValue' in v) return goJsonString(v.stringValue);
  if ('intValue' in v) return v.intValue.toString();
  if ('boolValue' in v) return v.boolValue ? 'true' : 'false';
  if ('doubleValue' in v) {
    if (!Number.isFinite(v.doubleValue)) throw new UnsupportedFloat();
    return Object.is(v.doubleValue, -0) ? '-0' : String(v.doubleValue);
  }
  if ('bytesValue' in v) return `"${Buffer.from(v.bytesValue).toString('base64')}"`;
  if ('arrayValue' in v) return `[${v.arrayValue.map(rawJson).join(',')}]`;
  if ('kvlistValue' in v) return rawMapJson(v.kvlistValue);
  return 'null';
}

function rawMapJson(kvs: OtlpKeyValue[]): string {
  // Later duplicates win, as when AsRaw fills a Go map; Go sorts keys by bytes.
  const byKey = new Map<string, OtlpAnyValue>();
  for (const kv of kvs) byKey.set(kv.key, kv.value);
  const keys = [...byKey.keys()].sort(compareUtf8);
  return `{${keys.map((k) => `${goJsonString(k)}:${rawJson(byKey.get(k) as OtlpAnyValue)}`).join(',')}}`;
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
