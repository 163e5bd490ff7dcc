import { CollectorError } from '../errors.js';
import { MAX_VALUE_DEPTH } from './decode-protobuf.js';
import type { OtlpAnyValue, OtlpKeyValue, OtlpResourceSpans, OtlpSpan, OtlpTraceRequest } from './otlp-types.js';

/**
 * OTLP/JSON `ExportTraceServiceRequest` → the shared decoded model (OTLP spec "JSON
 * Protobuf Encoding": lowerCamelCase keys, hex ids, enums as integers — names accepted
 * too —, 64-bit integers as strings or numbers, unknown keys ignored). A body that is not
 * JSON or whose containers have the wrong shape throws `COL_BAD_REQUEST` (400); a span
 * with wrongly typed fields becomes `{ invalid }` and is rejected alone.
 */
export function decodeJsonRequest(body: Uint8Array): OtlpTraceRequest {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (err) {
    throw new CollectorError('COL_BAD_REQUEST', `body is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isObject(doc)) throw bad('request body must be a JSON object');
  return { resourceSpans: arrayAt(doc, 'resourceSpans', 'resourceSpans').map(resourceSpans) };
}

function resourceSpans(rs: unknown, i: number): OtlpResourceSpans {
  const path = `resourceSpans[${i}]`;
  if (!isObject(rs)) throw bad(`${path} must be an object`);
  const resource = optionalObject(rs.resource, `${path}.resource`);
  let resourceAttributes: OtlpKeyValue[];
  try {
    resourceAttributes = keyValues(resource?.attributes, 0);
  } catch (err) {
    throw bad(`${path}.resource.attributes: ${(err as Error).message}`);
  }
  return {
    resourceAttributes,
    scopeSpans: arrayAt(rs, 'scopeSpans', `${path}.scopeSpans`).map((ss, j) => {
      const sPath = `${path}.scopeSpans[${j}]`;
      if (!isObject(ss)) throw bad(`${sPath} must be an object`);
      const scope = optionalObject(ss.scope, `${sPath}.scope`);
      return {
        scopeName: optionalString(scope?.name, `${sPath}.scope.name`),
        scopeVersion: optionalString(scope?.version, `${sPath}.scope.version`),
        spans: arrayAt(ss, 'spans', `${sPath}.spans`).map((s) => {
          try {
            return span(s);
          } catch (err) {
            return { invalid: (err as Error).message };
          }
        }),
      };
    }),
  };
}

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

function span(s: unknown): OtlpSpan {
  if (!isObject(s)) throw new Error('span must be an object');
  const status = optionalObject(s.status, 'span.status');
  return {
    traceId: id(s.traceId, 'span.traceId'),
    spanId: id(s.spanId, 'span.spanId'),
    parentSpanId: id(s.parentSpanId, 'span.parentSpanId'),
    traceState: optionalString(s.traceState, 'span.traceState'),
    name: optionalString(s.name, 'span.name'),
    kind: enumValue(s.kind, SPAN_KINDS, 'span.kind'),
    startTimeUnixNano: uint64(s.startTimeUnixNano, 'span.startTimeUnixNano'),
    endTimeUnixNano: uint64(s.endTimeUnixNano, 'span.endTimeUnixNano'),
    attributes: keyValues(s.attributes, 0),
    events: optionalArray(s.events, 'span.events').map((e) => {
      if (!isObject(e)) throw new Error('span.events[] must be objects');
      return {
        timeUnixNano: uint64(e.timeUnixNano, 'event.timeUnixNano'),
        name: optionalString(e.name, 'event.name'),
        attributes: keyValues(e.attributes, 0),
      };
    }),
    links: optionalArray(s.links, 'span.links').map((l) => {
      if (!isObject(l)) throw new Error('span.links[] must be objects');
      return {
        traceId: id(l.traceId, 'link.traceId'),
        spanId: id(l.spanId, 'link.spanId'),
        traceState: optionalString(l.traceState, 'link.traceState'),
        attributes: keyValues(l.attributes, 0),
      };
    }),
    statusCode: enumValue(status?.code, STATUS_CODES, 'span.status.code'),
    statusMessage: optionalString(status?.message, 'span.status.message'),
  };
}

function keyValues(v: unknown, depth: number): OtlpKeyValue[] {
  return optionalArray(v, 'attributes').map((kv) => {
    if (!isObject(kv) || typeof kv.key !== 'string') throw new Error('attributes[] must be {key: string, value}');
    return { key: kv.key, value: anyValue(kv.value, depth) };
  });
}

function anyValue(v: unknown, depth: number): OtlpAnyValue {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new Error('attribute value must be an AnyValue object');
  if (depth >= MAX_VALUE_DEPTH) throw new Error(`attribute value nested deeper than ${MAX_VALUE_DEPTH}`);
  if (v.stringValue !== undefined) {
    if (typeof v.stringValue !== 'string') throw new Error('stringValue must be a string');
    return { stringValue: v.stringValue };
  }
  if (v.boolValue !== undefined) {
    if (typeof v.boolValue !== 'boolean') throw new Error('boolValue must be a boolean');
    return { boolValue: v.boolValue };
  }
  if (v.intValue !== undefined) return { intValue: int64(v.intValue, 'intValue') };
  if (v.doubleValue !== undefined) return { doubleValue: double(v.doubleValue) };
  if (v.arrayValue !== undefined) {
    const values = isObject(v.arrayValue) ? optionalArray(v.arrayValue.values, 'arrayValue.values') : null;
    if (values === null) throw new Error('arrayValue must be {values: []}');
    return { arrayValue: values.map((x) => anyValue(x, depth + 1)) };
  }
  if (v.kvlistValue !== undefined) {
    if (!isObject(v.kvlistValue)) throw new Error('kvlistValue must be {values: []}');
    return { kvlistValue: keyValues(v.kvlistValue.values, depth + 1) };
  }
  if (v.bytesValue !== undefined) {
    if (typeof v.bytesValue !== 'string' || !/^[A-Za-z0-9+/_-]*=*$/.test(v.bytesValue)) throw new Error('bytesValue must be base64');
    return { bytesValue: Buffer.from(v.bytesValue, 'base64') };
  }
  return {};
}

const HEX = /^[0-9a-fA-F]*$/;

/** Ids stay strings here (validated as 32/16 hex in to-rows); base64 is not OTLP/JSON. */
function id(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new Error(`${path} must be a hex string`);
  return HEX.test(v) ? v.toLowerCase() : v;
}

const DIGITS = /^\d{1,20}$/;
const SIGNED_DIGITS = /^-?\d{1,20}$/;

function uint64(v: unknown, path: string): bigint {
  if (v === undefined || v === null) return 0n;
  // Numbers are allowed by the spec; past 2^53 JSON.parse has already rounded them (a few
  // hundred ns on a timestamp), which is the sender's choice.
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 64) return BigInt(v);
  if (typeof v === 'string' && DIGITS.test(v)) {
    const n = BigInt(v);
    if (n < 2n ** 64n) return n;
  }
  throw new Error(`${path} must be an unsigned 64-bit integer (string or number)`);
}

function int64(v: unknown, path: string): bigint {
  if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63) return BigInt(v);
  if (typeof v === 'string' && SIGNED_DIGITS.test(v)) {
    const n = BigInt(v);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return n;
  }
  throw new Error(`${path} must be a 64-bit integer (string or number)`);
}

function double(v: unknown): number {
  if (typeof v === 'number') return v;
  // proto3 JSON spells non-finite doubles as strings.
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new Error('doubleValue must be a number');
}

function enumValue(v: unknown, names: string[], path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && names.includes(v)) return names.indexOf(v);
  throw new Error(`${path} must be an enum integer`);
}

function optionalString(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new Error(`${path} must be a string`);
  return v;
}

function optionalArray(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${path} must be an array`);
  return v;
}

function optionalObject(v: unknown, path: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw bad(`${path} must be an object`);
  return v;
}

function arrayAt(o: Record<string, unknown>, key: string, path: string): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(`${path} must be an array`);
  return v;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string): CollectorError => new CollectorError('COL_BAD_REQUEST', `invalid OTLP/JSON: ${message}`);
