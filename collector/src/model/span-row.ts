/**
 * One row of `otel_traces`, with the column names and order of the OpenTelemetry Collector
 * ClickHouse exporter's insert (`traces_insert.sql`), so the official collector and ours
 * write the same table. Times are nanoseconds since the epoch (bigint: ns do not fit a
 * double); every attribute value is already a string (the exporter's `AsString()`).
 */
export interface SpanRow {
  Timestamp: bigint;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  /** End minus start, ns. */
  Duration: bigint;
  StatusCode: string;
  StatusMessage: string;
  Events: SpanEventRow[];
  Links: SpanLinkRow[];
}

export interface SpanEventRow {
  Timestamp: bigint;
  Name: string;
  Attributes: Record<string, string>;
}

export interface SpanLinkRow {
  TraceId: string;
  SpanId: string;
  TraceState: string;
  Attributes: Record<string, string>;
}

const str = JSON.stringify;

/**
 * One `JSONEachRow` line (with its trailing newline) for `otel_traces`. Nested columns are
 * written as parallel arrays (`Events.Timestamp`, …) and 64-bit integers as bare digits,
 * which ClickHouse reads as DateTime64(9) ticks without precision loss.
 */
export function encodeSpanRow(r: SpanRow, resourceJson = str(r.ResourceAttributes)): string {
  const evTs: string[] = [];
  const evName: string[] = [];
  const evAttr: string[] = [];
  for (const e of r.Events) {
    evTs.push(e.Timestamp.toString());
    evName.push(str(e.Name));
    evAttr.push(str(e.Attributes));
  }
  const lTrace: string[] = [];
  const lSpan: string[] = [];
  const lState: string[] = [];
  const lAttr: string[] = [];
  for (const l of r.Links) {
    lTrace.push(str(l.TraceId));
    lSpan.push(str(l.SpanId));
    lState.push(str(l.TraceState));
    lAttr.push(str(l.Attributes));
  }
  return (
    `{"Timestamp":${r.Timestamp.toString()},"TraceId":${str(r.TraceId)},"SpanId":${str(r.SpanId)},` +
    `"ParentSpanId":${str(r.ParentSpanId)},"TraceState":${str(r.TraceState)},"SpanName":${str(r.SpanName)},` +
    `"SpanKind":${str(r.SpanKind)},"ServiceName":${str(r.ServiceName)},` +
    `"ResourceAttributes":${resourceJson},"ScopeName":${str(r.ScopeName)},` +
    `"ScopeVersion":${str(r.ScopeVersion)},"SpanAttributes":${str(r.SpanAttributes)},` +
    `"Duration":${r.Duration.toString()},"StatusCode":${str(r.StatusCode)},"StatusMessage":${str(r.StatusMessage)},` +
    `"Events.Timestamp":[${evTs.join(',')}],"Events.Name":[${evName.join(',')}],"Events.Attributes":[${evAttr.join(',')}],` +
    `"Links.TraceId":[${lTrace.join(',')}],"Links.SpanId":[${lSpan.join(',')}],` +
    `"Links.TraceState":[${lState.join(',')}],"Links.Attributes":[${lAttr.join(',')}]}\n`
  );
}

/**
 * Calls `each` per row with its resource's attributes as `encodeMap` wrote them. Spans of
 * one resource share its attribute map (to-rows builds it once), so each map is encoded once.
 */
export function forEachRowWithResource<T>(rows: readonly SpanRow[], encodeMap: (m: Record<string, string>) => T, each: (r: SpanRow, resource: T) => void): void {
  let lastResource: Record<string, string> | undefined;
  let lastEncoded: T | undefined;
  for (const r of rows) {
    if (r.ResourceAttributes !== lastResource || lastEncoded === undefined) {
      lastResource = r.ResourceAttributes;
      lastEncoded = encodeMap(lastResource);
    }
    each(r, lastEncoded);
  }
}

/** A text batch body in any row format: `encodeRow` per row (see `forEachRowWithResource`). */
export function encodeRowsWith(rows: readonly SpanRow[], encodeMap: (m: Record<string, string>) => string, encodeRow: (r: SpanRow, resource: string) => string): string {
  let out = '';
  forEachRowWithResource(rows, encodeMap, (r, resource) => {
    out += encodeRow(r, resource);
  });
  return out;
}

/** The JSONEachRow body for a batch of rows. */
export function encodeSpanRows(rows: readonly SpanRow[]): string {
  return encodeRowsWith(rows, str, encodeSpanRow);
}
