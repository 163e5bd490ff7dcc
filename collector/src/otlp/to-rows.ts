import type { SpanEventRow, SpanLinkRow, SpanRow } from '../model/span-row.js';
import { anyValueAsString } from './any-value.js';
import { isInvalidSpan, type OtlpInvalidSpan, type OtlpKeyValue, type OtlpSpan, type OtlpTraceRequest } from './otlp-types.js';

/** Caps applied while mapping; everything cut is counted, never silent. */
export interface RowLimits {
  maxAttributes: number;
  maxValueBytes: number;
  maxEvents: number;
}

export interface ToRowsResult {
  rows: SpanRow[];
  rejected: number;
  /** Rejected spans per reason, e.g. `{ 'invalid trace id': 2 }`. */
  rejectReasons: Record<string, number>;
  droppedAttributes: number;
  truncatedValues: number;
  droppedEvents: number;
}

/** Span kind and status names exactly as the exporter writes them (`traceutil.*Str`). */
export const KIND_NAMES: readonly string[] = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
export const STATUS_NAMES: readonly string[] = ['Unset', 'Ok', 'Error'];

const NS_PER_MS = 1_000_000n;
/** Spans starting before 2000-01-01 are refused as absurd (a zero or seconds-for-ns clock). */
export const MIN_START_NS = 946_684_800_000n * NS_PER_MS;
/** …and so are spans starting more than a day in the collector's future. */
export const MAX_FUTURE_NS = 24n * 3600n * 1000n * NS_PER_MS;
/** The latest span start accepted at `nowMs`. */
export const latestStartNs = (nowMs: number): bigint => BigInt(Math.trunc(nowMs)) * NS_PER_MS + MAX_FUTURE_NS;
/** A span longer than 31 days is a broken clock, not a call. */
export const MAX_DURATION_NS = 31n * 24n * 3600n * 1000n * NS_PER_MS;
/** Longest attribute key kept (keys are LowCardinality in ClickHouse). */
export const MAX_KEY_BYTES = 1024;

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** What `toRows` counts besides the rows. */
export type RowCounters = Omit<ToRowsResult, 'rows'>;

export const newRowCounters = (): RowCounters => ({ rejected: 0, rejectReasons: {}, droppedAttributes: 0, truncatedValues: 0, droppedEvents: 0 });

/** A resource's columns, mapped once and shared by its spans. */
export interface ResourceColumns {
  attributes: Record<string, string>;
  serviceName: string;
}

/** A scope's columns, mapped once and shared by its spans. */
export interface ScopeColumns {
  scopeName: string;
  scopeVersion: string;
}

/**
 * The mapping in pieces, counting into `out`: `toRows` walks a decoded request with it, and
 * the protobuf fast path (`protobuf-rows.ts`) uses the same pieces for resources, scopes and
 * every span it does not encode itself, so both produce the same rows and counts.
 */
export interface RowMapper {
  resource(attributes: OtlpKeyValue[]): ResourceColumns;
  scope(name: string, version: string): ScopeColumns;
  /** The span's row, or `undefined` when it is rejected (counted with its reason). */
  span(s: OtlpSpan | OtlpInvalidSpan, resource: ResourceColumns, scope: ScopeColumns): SpanRow | undefined;
}

export function createRowMapper(limits: RowLimits, nowMs: number, out: RowCounters): RowMapper {
  const latestNs = latestStartNs(nowMs);
  const cap = capper(limits, out);
  const reject = (reason: string): undefined => {
    out.rejected += 1;
    out.rejectReasons[reason] = (out.rejectReasons[reason] ?? 0) + 1;
    return undefined;
  };
  return {
    resource(attributes) {
      const m = cap.attributes(attributes);
      return { attributes: m, serviceName: m['service.name'] ?? '' };
    },
    scope: (name, version) => ({ scopeName: cap.value(name), scopeVersion: cap.value(version) }),
    span(s, resource, scope) {
      if (isInvalidSpan(s)) return reject(`malformed span (${s.invalid})`);
      const problem = validate(s, latestNs);
      if (problem !== undefined) return reject(problem);
      return {
        Timestamp: s.startTimeUnixNano,
        TraceId: s.traceId,
        SpanId: s.spanId,
        ParentSpanId: s.parentSpanId === ZERO_SPAN ? '' : s.parentSpanId,
        TraceState: cap.value(s.traceState),
        SpanName: cap.value(s.name),
        SpanKind: KIND_NAMES[s.kind] ?? '',
        ServiceName: resource.serviceName,
        ResourceAttributes: resource.attributes,
        ScopeName: scope.scopeName,
        ScopeVersion: scope.scopeVersion,
        SpanAttributes: cap.attributes(s.attributes),
        Duration: s.endTimeUnixNano - s.startTimeUnixNano,
        StatusCode: STATUS_NAMES[s.statusCode] ?? '',
        StatusMessage: cap.value(s.statusMessage),
        Events: events(s, cap, out),
        Links: links(s, cap, limits.maxEvents, out),
      };
    },
  };
}

/**
 * Pure mapping from a decoded OTLP request to `otel_traces` rows, shared by the JSON and
 * protobuf paths. Spans with bad ids or absurd timestamps are rejected one by one (OTLP
 * partial success); the rest of the batch is kept.
 */
export function toRows(req: OtlpTraceRequest, limits: RowLimits, nowMs: number): ToRowsResult {
  const out: ToRowsResult = { rows: [], ...newRowCounters() };
  const map = createRowMapper(limits, nowMs, out);
  for (const rs of req.resourceSpans) {
    const resource = map.resource(rs.resourceAttributes);
    for (const ss of rs.scopeSpans) {
      const scope = map.scope(ss.scopeName, ss.scopeVersion);
      for (const s of ss.spans) {
        const row = map.span(s, resource, scope);
        if (row !== undefined) out.rows.push(row);
      }
    }
  }
  return out;
}

function validate(s: OtlpSpan, latestStartNs: bigint): string | undefined {
  if (!TRACE_ID.test(s.traceId) || s.traceId === ZERO_TRACE) return 'invalid trace id';
  if (!SPAN_ID.test(s.spanId) || s.spanId === ZERO_SPAN) return 'invalid span id';
  if (s.parentSpanId !== '' && !SPAN_ID.test(s.parentSpanId)) return 'invalid parent span id';
  if (s.startTimeUnixNano < MIN_START_NS || s.startTimeUnixNano > latestStartNs) return 'start time out of range';
  if (s.endTimeUnixNano < s.startTimeUnixNano) return 'end time before start time';
  if (s.endTimeUnixNano - s.startTimeUnixNano > MAX_DURATION_NS) return 'duration out of range';
  return undefined;
}

function events(s: OtlpSpan, cap: Capper, out: RowCounters): SpanEventRow[] {
  const kept = s.events.length > cap.maxEvents ? s.events.slice(0, cap.maxEvents) : s.events;
  out.droppedEvents += s.events.length - kept.length;
  // An event time outside DateTime64(9)'s sane range would fail the whole insert: pin it
  // to the span start instead.
  return kept.map((e) => ({
    Timestamp: e.timeUnixNano >= MIN_START_NS && e.timeUnixNano <= s.endTimeUnixNano + MAX_DURATION_NS ? e.timeUnixNano : s.startTimeUnixNano,
    Name: cap.value(e.name),
    Attributes: cap.attributes(e.attributes),
  }));
}

function links(s: OtlpSpan, cap: Capper, maxLinks: number, out: RowCounters): SpanLinkRow[] {
  const kept = s.links.length > maxLinks ? s.links.slice(0, maxLinks) : s.links;
  out.droppedEvents += s.links.length - kept.length;
  return kept.map((l) => ({
    TraceId: TRACE_ID.test(l.traceId) && l.traceId !== ZERO_TRACE ? l.traceId : '',
    SpanId: SPAN_ID.test(l.spanId) && l.spanId !== ZERO_SPAN ? l.spanId : '',
    TraceState: cap.value(l.traceState),
    Attributes: cap.attributes(l.attributes),
  }));
}

interface Capper {
  maxEvents: number;
  value(s: string): string;
  attributes(kvs: OtlpKeyValue[]): Record<string, string>;
}

function capper(limits: RowLimits, out: RowCounters): Capper {
  const value = (s: string, max = limits.maxValueBytes): string => {
    // Fast path: even all-3-byte UTF-16 units stay under the cap.
    if (s.length * 3 <= max) return s;
    if (Buffer.byteLength(s, 'utf8') <= max) return s;
    out.truncatedValues += 1;
    return truncateUtf8(s, max);
  };
  return {
    maxEvents: limits.maxEvents,
    value,
    attributes(kvs) {
      const m: Record<string, string> = Object.create(null) as Record<string, string>;
      let n = 0;
      for (const kv of kvs) {
        const key = value(kv.key, MAX_KEY_BYTES);
        if (!(key in m)) {
          if (n >= limits.maxAttributes) {
            out.droppedAttributes += 1;
            continue;
          }
          n += 1;
        }
        m[key] = value(anyValueAsString(kv.value));
      }
      return m;
    },
  };
}

const encoder = new TextEncoder();

/** The longest prefix of `s` whose UTF-8 encoding fits `maxBytes` (never splits a character). */
export function truncateUtf8(s: string, maxBytes: number): string {
  const { read } = encoder.encodeInto(s, new Uint8Array(maxBytes));
  return s.slice(0, read);
}
