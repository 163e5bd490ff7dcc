import { ByteWriter } from './byte-writer.js';
import { forEachRowWithResource, type SpanRow } from './span-row.js';

/**
 * `otel_traces` rows as one block of ClickHouse's `Native` format, the body the collector
 * spools and inserts: the columns one after another, each as its name, its type and its
 * values. Nothing is parsed from text: chDB inserted the collector's GenAI spans with
 * 16–22 µs of CPU per span against 31–33 µs as TabSeparated (materialized views and text
 * indexes included). It stores exactly what the JSONEachRow body of the same rows stores
 * (checked on chDB by `row-format.test.ts`).
 *
 * The types are the plain ones (`String` where the table has `LowCardinality(String)`, maps
 * of `String`); ClickHouse converts them on insert. Blocks concatenate: several spooled
 * bodies are one insert.
 */
export class NativeSpanBlock {
  rows = 0;
  readonly timestamp = column();
  readonly traceId = column();
  readonly spanId = column();
  readonly parentSpanId = column();
  readonly traceState = column();
  readonly spanName = column();
  readonly spanKind = column();
  readonly serviceName = column();
  readonly resourceAttributes = new NativeMap();
  readonly scopeName = column();
  readonly scopeVersion = column();
  readonly spanAttributes = new NativeMap();
  readonly duration = column();
  readonly statusCode = column();
  readonly statusMessage = column();
  /** Cumulative event count per row: the offsets of the three `Events.*` arrays. */
  readonly eventOffsets = column();
  eventCount = 0;
  readonly eventTimestamp = column();
  readonly eventName = column();
  readonly eventAttributes = new NativeMap();
  /** Cumulative link count per row: the offsets of the four `Links.*` arrays. */
  readonly linkOffsets = column();
  linkCount = 0;
  readonly linkTraceId = column();
  readonly linkSpanId = column();
  readonly linkTraceState = column();
  readonly linkAttributes = new NativeMap();

  private readonly writers: ByteWriter[];
  private readonly maps: NativeMap[];
  private readonly marks: Int32Array;
  private readonly markedCounts = [0, 0, 0, 0, 0, 0, 0, 0];

  constructor() {
    this.maps = [this.resourceAttributes, this.spanAttributes, this.eventAttributes, this.linkAttributes];
    this.writers = [
      this.timestamp, this.traceId, this.spanId, this.parentSpanId, this.traceState, this.spanName, this.spanKind,
      this.serviceName, this.scopeName, this.scopeVersion, this.duration, this.statusCode, this.statusMessage,
      this.eventOffsets, this.eventTimestamp, this.eventName, this.linkOffsets, this.linkTraceId, this.linkSpanId,
      this.linkTraceState, ...this.maps.flatMap((m) => m.parts()),
    ];
    this.marks = new Int32Array(this.writers.length);
  }

  /** Remembers where every column ends, for `rollback` (a row the caller gives up half-way). */
  mark(): void {
    for (let i = 0; i < this.writers.length; i += 1) this.marks[i] = (this.writers[i] as ByteWriter).pos;
    const c = this.markedCounts;
    c[0] = this.rows;
    c[1] = this.eventCount;
    c[2] = this.linkCount;
    for (let i = 0; i < this.maps.length; i += 1) c[3 + i] = (this.maps[i] as NativeMap).entries;
  }

  rollback(): void {
    for (let i = 0; i < this.writers.length; i += 1) (this.writers[i] as ByteWriter).pos = this.marks[i] as number;
    const c = this.markedCounts;
    this.rows = c[0] as number;
    this.eventCount = c[1] as number;
    this.linkCount = c[2] as number;
    for (let i = 0; i < this.maps.length; i += 1) (this.maps[i] as NativeMap).entries = c[3 + i] as number;
  }

  /** Ends a row without events or links (the fast path's rows). */
  noEventsOrLinks(): void {
    this.eventOffsets.uint64(this.eventCount);
    this.linkOffsets.uint64(this.linkCount);
    this.rows += 1;
  }

  /**
   * Appends a mapped row; `resource` is its resource attributes already encoded (spans of
   * one resource share them), `NativeMap.encode(r.ResourceAttributes)` when not given.
   */
  addRow(r: SpanRow, resource: EncodedMap = NativeMap.encode(r.ResourceAttributes)): void {
    this.timestamp.int64(r.Timestamp);
    this.traceId.nativeString(r.TraceId);
    this.spanId.nativeString(r.SpanId);
    this.parentSpanId.nativeString(r.ParentSpanId);
    this.traceState.nativeString(r.TraceState);
    this.spanName.nativeString(r.SpanName);
    this.spanKind.nativeString(r.SpanKind);
    this.serviceName.nativeString(r.ServiceName);
    this.resourceAttributes.addEncoded(resource);
    this.scopeName.nativeString(r.ScopeName);
    this.scopeVersion.nativeString(r.ScopeVersion);
    this.spanAttributes.add(r.SpanAttributes);
    this.duration.int64(r.Duration); // UInt64; durations are far below 2^63, same bytes
    this.statusCode.nativeString(r.StatusCode);
    this.statusMessage.nativeString(r.StatusMessage);
    for (const e of r.Events) {
      this.eventTimestamp.int64(e.Timestamp);
      this.eventName.nativeString(e.Name);
      this.eventAttributes.add(e.Attributes);
    }
    this.eventCount += r.Events.length;
    for (const l of r.Links) {
      this.linkTraceId.nativeString(l.TraceId);
      this.linkSpanId.nativeString(l.SpanId);
      this.linkTraceState.nativeString(l.TraceState);
      this.linkAttributes.add(l.Attributes);
    }
    this.linkCount += r.Links.length;
    this.eventOffsets.uint64(this.eventCount);
    this.linkOffsets.uint64(this.linkCount);
    this.rows += 1;
  }

  /** The block (empty when there are no rows); the writer is then empty. */
  take(): Buffer {
    if (this.rows === 0) {
      this.clear();
      return Buffer.alloc(0);
    }
    const head = new ByteWriter(16);
    head.varint(COLUMNS.length);
    head.varint(this.rows);
    const e = this.eventOffsets;
    const l = this.linkOffsets;
    // In the table's column order; each part after its column's name and type.
    const parts: (ByteWriter | Uint8Array)[] = [
      head,
      COLUMN_HEADS.Timestamp, this.timestamp,
      COLUMN_HEADS.TraceId, this.traceId,
      COLUMN_HEADS.SpanId, this.spanId,
      COLUMN_HEADS.ParentSpanId, this.parentSpanId,
      COLUMN_HEADS.TraceState, this.traceState,
      COLUMN_HEADS.SpanName, this.spanName,
      COLUMN_HEADS.SpanKind, this.spanKind,
      COLUMN_HEADS.ServiceName, this.serviceName,
      COLUMN_HEADS.ResourceAttributes, ...this.resourceAttributes.parts(),
      COLUMN_HEADS.ScopeName, this.scopeName,
      COLUMN_HEADS.ScopeVersion, this.scopeVersion,
      COLUMN_HEADS.SpanAttributes, ...this.spanAttributes.parts(),
      COLUMN_HEADS.Duration, this.duration,
      COLUMN_HEADS.StatusCode, this.statusCode,
      COLUMN_HEADS.StatusMessage, this.statusMessage,
      COLUMN_HEADS['Events.Timestamp'], e, this.eventTimestamp,
      COLUMN_HEADS['Events.Name'], e, this.eventName,
      COLUMN_HEADS['Events.Attributes'], e, ...this.eventAttributes.parts(),
      COLUMN_HEADS['Links.TraceId'], l, this.linkTraceId,
      COLUMN_HEADS['Links.SpanId'], l, this.linkSpanId,
      COLUMN_HEADS['Links.TraceState'], l, this.linkTraceState,
      COLUMN_HEADS['Links.Attributes'], l, ...this.linkAttributes.parts(),
    ];
    let size = 0;
    for (const p of parts) size += p instanceof ByteWriter ? p.pos : p.length;
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (const p of parts) {
      if (p instanceof ByteWriter) at += p.buf.copy(out, at, 0, p.pos);
      else {
        out.set(p, at);
        at += p.length;
      }
    }
    this.clear();
    return out;
  }

  /** True when a column grew past `bytes` (the caller may want a fresh block). */
  grewPast(bytes: number): boolean {
    return this.writers.some((w) => w.buf.length > bytes);
  }

  /** Drops every row written so far. */
  clear(): void {
    for (const w of this.writers) w.pos = 0;
    this.rows = 0;
    this.eventCount = 0;
    this.linkCount = 0;
    for (const m of this.maps) m.entries = 0;
  }
}

/** A map's entries already encoded: a resource's, written once and copied into each span's row. */
export interface EncodedMap {
  entries: number;
  keys: Buffer;
  values: Buffer;
}

/**
 * A `Map(String, String)` column in `Native`: the cumulative entry count per row (UInt64),
 * then every key, then every value.
 */
export class NativeMap {
  entries = 0;
  readonly offsets = column();
  readonly keys = column();
  readonly values = column();

  /** Ends a row whose `count` entries the caller wrote into `keys` and `values`. */
  endRow(count: number): void {
    this.entries += count;
    this.offsets.uint64(this.entries);
  }

  add(m: Record<string, string>): void {
    // Object.keys: the order JSONEachRow's JSON.stringify writes (integer-like keys first).
    const ks = Object.keys(m);
    for (const k of ks) {
      this.keys.nativeString(k);
      this.values.nativeString(m[k] as string);
    }
    this.endRow(ks.length);
  }

  addEncoded(m: EncodedMap): void {
    this.keys.put(m.keys);
    this.values.put(m.values);
    this.endRow(m.entries);
  }

  parts(): ByteWriter[] {
    return [this.offsets, this.keys, this.values];
  }

  static encode(m: Record<string, string>): EncodedMap {
    const map = new NativeMap();
    map.add(m);
    return { entries: map.entries, keys: map.keys.take(), values: map.values.take() };
  }
}

/** The Native body for a batch of rows. */
export function encodeSpanRowsNative(rows: readonly SpanRow[]): Buffer {
  const block = new NativeSpanBlock();
  forEachRowWithResource(rows, NativeMap.encode, (r, resource) => block.addRow(r, resource));
  return block.take();
}

/** A fixed string (a span kind, a status name) as a `Native` `String`, to copy into columns. */
export function nativeStringBytes(s: string): Buffer {
  const w = new ByteWriter(s.length * 3 + 5);
  w.nativeString(s);
  return w.take();
}

/**
 * A column starts small and doubles as it fills: the scratch block of `protobufRows` grows
 * once to its requests' size, while a block or map built for one small batch (the JSON path,
 * a resource's attributes) costs little.
 */
const column = (): ByteWriter => new ByteWriter(256);

/** The columns in the table's order, with the types the block declares. */
const COLUMNS = [
  ['Timestamp', 'DateTime64(9)'],
  ['TraceId', 'String'],
  ['SpanId', 'String'],
  ['ParentSpanId', 'String'],
  ['TraceState', 'String'],
  ['SpanName', 'String'],
  ['SpanKind', 'String'],
  ['ServiceName', 'String'],
  ['ResourceAttributes', 'Map(String, String)'],
  ['ScopeName', 'String'],
  ['ScopeVersion', 'String'],
  ['SpanAttributes', 'Map(String, String)'],
  ['Duration', 'UInt64'],
  ['StatusCode', 'String'],
  ['StatusMessage', 'String'],
  ['Events.Timestamp', 'Array(DateTime64(9))'],
  ['Events.Name', 'Array(String)'],
  ['Events.Attributes', 'Array(Map(String, String))'],
  ['Links.TraceId', 'Array(String)'],
  ['Links.SpanId', 'Array(String)'],
  ['Links.TraceState', 'Array(String)'],
  ['Links.Attributes', 'Array(Map(String, String))'],
] as const;

type ColumnName = (typeof COLUMNS)[number][0];

/** Each column's name and type, encoded once. */
const COLUMN_HEADS = Object.fromEntries(COLUMNS.map(([name, type]) => [name, Buffer.concat([nativeStringBytes(name), nativeStringBytes(type)])])) as Record<ColumnName, Buffer>;

/** The first byte of a block: its column count (a varint below 128). */
export const NATIVE_BLOCK_FIRST_BYTE = COLUMNS.length;
