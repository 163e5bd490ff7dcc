/**
 * The decoded shape of an OTLP `ExportTraceServiceRequest`, shared by the JSON and the
 * protobuf decoder (the OTel JS transformer's idea: one model, two encodings). Ids are
 * lowercase hex whatever the wire used; 64-bit times are bigint. A span the decoder could
 * not read is kept as `{ invalid }` so it is counted as rejected, not silently lost.
 */

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: bigint }
  | { doubleValue: number }
  | { arrayValue: OtlpAnyValue[] }
  | { kvlistValue: OtlpKeyValue[] }
  | { bytesValue: Uint8Array }
  | Record<string, never>;

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: OtlpKeyValue[];
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: OtlpKeyValue[];
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: OtlpKeyValue[];
  events: OtlpEvent[];
  links: OtlpLink[];
  statusCode: number;
  statusMessage: string;
}

/** A span whose fields had the wrong types; `invalid` says which. */
export interface OtlpInvalidSpan {
  invalid: string;
}

export interface OtlpScopeSpans {
  scopeName: string;
  scopeVersion: string;
  spans: (OtlpSpan | OtlpInvalidSpan)[];
}

export interface OtlpResourceSpans {
  resourceAttributes: OtlpKeyValue[];
  scopeSpans: OtlpScopeSpans[];
}

export interface OtlpTraceRequest {
  resourceSpans: OtlpResourceSpans[];
}

export const isInvalidSpan = (s: OtlpSpan | OtlpInvalidSpan): s is OtlpInvalidSpan => 'invalid' in s;
