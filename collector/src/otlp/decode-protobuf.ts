import { CollectorError } from '../errors.js';
import type { OtlpAnyValue, OtlpEvent, OtlpInvalidSpan, OtlpKeyValue, OtlpLink, OtlpSpan, OtlpTraceRequest } from './otlp-types.js';
import { PbReader, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './pb-reader.js';

/** Deeper AnyValue nesting is refused: it has no use in spans and costs stack. */
export const MAX_VALUE_DEPTH = 32;

/**
 * OTLP/protobuf `ExportTraceServiceRequest` bytes → the shared decoded model, walking the
 * wire format directly (field numbers from opentelemetry-proto, the same ones `otlp-proto.ts`
 * declares). Truncated or garbage input outside a span throws `COL_BAD_REQUEST` (400); a
 * malformed span is kept as `{ invalid }` and rejected alone, its neighbours kept.
 */
export function decodeProtobufRequest(body: Uint8Array): OtlpTraceRequest {
  const buf = asBuffer(body);
  return {
    resourceSpans: walkTraceRequest(buf).map((rs) => ({
      resourceAttributes: rs.resourceAttributes,
      scopeSpans: rs.scopeSpans.map((ss) => ({ scopeName: ss.scopeName, scopeVersion: ss.scopeVersion, spans: decodeSpans(buf, ss.spanRanges) })),
    })),
  };
}

/** A request's structure with every span still as bytes: `[start, end)` offsets, flattened. */
export interface WalkedScopeSpans {
  scopeName: string;
  scopeVersion: string;
  spanRanges: number[];
}

export interface WalkedResourceSpans {
  resourceAttributes: OtlpKeyValue[];
  scopeSpans: WalkedScopeSpans[];
}

export const asBuffer = (body: Uint8Array): Buffer => (Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));

/**
 * Reads everything outside the spans (resources, scopes, span boundaries) and leaves the
 * spans to the caller: `decodeProtobufRequest` decodes them, the protobuf fast path
 * (`protobuf-rows.ts`) encodes them. One walk, so both accept and refuse the same requests.
 */
export function walkTraceRequest(buf: Buffer): WalkedResourceSpans[] {
  const r = new PbReader(buf);
  const resourceSpans: WalkedResourceSpans[] = [];
  try {
    while (!r.done()) {
      const { field, wire } = r.tag();
      if (field === 1) {
        r.expect(wire, WIRE_LEN, 'resource_spans');
        resourceSpans.push(readResourceSpans(r.sub()));
      } else r.skip(wire);
    }
  } catch (err) {
    throw new CollectorError('COL_BAD_REQUEST', `undecodable protobuf ExportTraceServiceRequest: ${(err as Error).message}`, { cause: err });
  }
  return resourceSpans;
}

/** The spans at `ranges` (see `WalkedScopeSpans`), each decoded or marked invalid. */
export function decodeSpans(buf: Buffer, ranges: readonly number[]): (OtlpSpan | OtlpInvalidSpan)[] {
  const spans: (OtlpSpan | OtlpInvalidSpan)[] = [];
  for (let i = 0; i < ranges.length; i += 2) spans.push(readSpanSafely(new PbReader(buf, ranges[i], ranges[i + 1])));
  return spans;
}

function readResourceSpans(r: PbReader): WalkedResourceSpans {
  const out: WalkedResourceSpans = { resourceAttributes: [], scopeSpans: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE_LEN, 'resource');
      const res = r.sub();
      while (!res.done()) {
        const t = res.tag();
        if (t.field === 1 && t.wire === WIRE_LEN) out.resourceAttributes.push(readKeyValue(res.sub(), 0));
        else res.skip(t.wire);
      }
    } else if (field === 2) {
      r.expect(wire, WIRE_LEN, 'scope_spans');
      out.scopeSpans.push(readScopeSpans(r.sub()));
    } else r.skip(wire);
  }
  return out;
}

function readScopeSpans(r: PbReader): WalkedScopeSpans {
  const out: WalkedScopeSpans = { scopeName: '', scopeVersion: '', spanRanges: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE_LEN, 'scope');
      const sc = r.sub();
      while (!sc.done()) {
        const t = sc.tag();
        if (t.field === 1 && t.wire === WIRE_LEN) out.scopeName = sc.string();
        else if (t.field === 2 && t.wire === WIRE_LEN) out.scopeVersion = sc.string();
        else sc.skip(t.wire);
      }
    } else if (field === 2) {
      r.expect(wire, WIRE_LEN, 'span');
      const [start, end] = r.len();
      out.spanRanges.push(start, end);
    } else r.skip(wire);
  }
  return out;
}

/** A span, or `{ invalid }` with the reason it could not be read. */
export function readSpanSafely(r: PbReader): OtlpSpan | OtlpInvalidSpan {
  try {
    return readSpan(r);
  } catch (err) {
    return { invalid: (err as Error).message };
  }
}

function readSpan(r: PbReader): OtlpSpan {
  const s: OtlpSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
  };
  while (!r.done()) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1: r.expect(wire, WIRE_LEN, 'trace_id'); s.traceId = r.hex(); break;
      case 2: r.expect(wire, WIRE_LEN, 'span_id'); s.spanId = r.hex(); break;
      case 3: r.expect(wire, WIRE_LEN, 'trace_state'); s.traceState = r.string(); break;
      case 4: r.expect(wire, WIRE_LEN, 'parent_span_id'); s.parentSpanId = r.hex(); break;
      case 5: r.expect(wire, WIRE_LEN, 'name'); s.name = r.string(); break;
      case 6: r.expect(wire, WIRE_VARINT, 'kind'); s.kind = r.varint32(); break;
      case 7: r.expect(wire, WIRE_I64, 'start_time_unix_nano'); s.startTimeUnixNano = r.fixed64(); break;
      case 8: r.expect(wire, WIRE_I64, 'end_time_unix_nano'); s.endTimeUnixNano = r.fixed64(); break;
      case 9: r.expect(wire, WIRE_LEN, 'attributes'); s.attributes.push(readKeyValue(r.sub(), 0)); break;
      case 11: r.expect(wire, WIRE_LEN, 'events'); s.events.push(readEvent(r.sub())); break;
      case 13: r.expect(wire, WIRE_LEN, 'links'); s.links.push(readLink(r.sub())); break;
      case 15: {
        r.expect(wire, WIRE_LEN, 'status');
        const st = r.sub();
        while (!st.done()) {
          const t = st.tag();
          if (t.field === 2 && t.wire === WIRE_LEN) s.statusMessage = st.string();
          else if (t.field === 3 && t.wire === WIRE_VARINT) s.statusCode = st.varint32();
          else st.skip(t.wire);
        }
        break;
      }
      default: r.skip(wire);
    }
  }
  return s;
}

function readEvent(r: PbReader): OtlpEvent {
  const e: OtlpEvent = { timeUnixNano: 0n, name: '', attributes: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_I64) e.timeUnixNano = r.fixed64();
    else if (field === 2 && wire === WIRE_LEN) e.name = r.string();
    else if (field === 3 && wire === WIRE_LEN) e.attributes.push(readKeyValue(r.sub(), 0));
    else r.skip(wire);
  }
  return e;
}

function readLink(r: PbReader): OtlpLink {
  const l: OtlpLink = { traceId: '', spanId: '', traceState: '', attributes: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LEN) l.traceId = r.hex();
    else if (field === 2 && wire === WIRE_LEN) l.spanId = r.hex();
    else if (field === 3 && wire === WIRE_LEN) l.traceState = r.string();
    else if (field === 4 && wire === WIRE_LEN) l.attributes.push(readKeyValue(r.sub(), 0));
    else r.skip(wire);
  }
  return l;
}

function readKeyValue(r: PbReader, depth: number): OtlpKeyValue {
  let key = '';
  let value: OtlpAnyValue = {};
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LEN) key = r.string();
    else if (field === 2 && wire === WIRE_LEN) value = readAnyValue(r.sub(), depth);
    else r.skip(wire);
  }
  return { key, value };
}

export function readAnyValue(r: PbReader, depth: number): OtlpAnyValue {
  if (depth >= MAX_VALUE_DEPTH) throw new Error(`attribute value nested deeper than ${MAX_VALUE_DEPTH}`);
  let v: OtlpAnyValue = {};
  // A oneof: when several members are present, the last one wins (protobuf semantics).
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LEN) v = { stringValue: r.string() };
    else if (field === 2 && wire === WIRE_VARINT) v = { boolValue: r.varint32() !== 0 };
    else if (field === 3 && wire === WIRE_VARINT) v = { intValue: r.varint64() };
    else if (field === 4 && wire === WIRE_I64) v = { doubleValue: r.double() };
    else if (field === 5 && wire === WIRE_LEN) v = { arrayValue: readList(r.sub(), (x) => readAnyValue(x, depth + 1)) };
    else if (field === 6 && wire === WIRE_LEN) v = { kvlistValue: readList(r.sub(), (x) => readKeyValue(x, depth + 1)) };
    else if (field === 7 && wire === WIRE_LEN) v = { bytesValue: r.bytes() };
    else r.skip(wire);
  }
  return v;
}

/** ArrayValue / KeyValueList: `repeated <T> values = 1`. */
function readList<T>(r: PbReader, item: (sub: PbReader) => T): T[] {
  const out: T[] = [];
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LEN) out.push(item(r.sub()));
    else r.skip(wire);
  }
  return out;
}

