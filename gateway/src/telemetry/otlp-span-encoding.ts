import type { Attributes, Link, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { WIRE_I32 as I32, WIRE_I64 as I64, WIRE_LEN as LEN, WIRE_VARINT as VARINT } from '../../../collector/src/otlp/pb-reader.js';
import type { ProtobufWriter } from './protobuf-writer.js';

// OTLP protobuf messages (opentelemetry-proto trace/v1, common/v1), field by field in the
// order `@opentelemetry/otlp-transformer`'s protobuf serializer writes them, so the bytes are
// the same as that serializer's (a test holds this).

const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

const spanFlags = (traceFlags: number, isRemote: boolean | undefined) => (traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0);

/** trace_id (1), span_id (2) and trace_state (3): the first fields of a `Span` and of a `Link`. */
function writeIds(w: ProtobufWriter, ctx: SpanContext): void {
  w.tag(1, LEN);
  w.hexId(ctx.traceId);
  w.tag(2, LEN);
  w.hexId(ctx.spanId);
  const traceState = ctx.traceState?.serialize();
  if (traceState) {
    w.tag(3, LEN);
    w.string(traceState);
  }
}

/** The body of a `Span` message (its field tag and length are the caller's). */
export function writeSpan(w: ProtobufWriter, span: ReadableSpan): void {
  const ctx = span.spanContext();
  writeIds(w, ctx);
  const parent = span.parentSpanContext;
  if (parent?.spanId) {
    w.tag(4, LEN);
    w.hexId(parent.spanId);
  }
  w.tag(5, LEN);
  w.string(span.name);
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) {
    w.tag(6, VARINT);
    w.varint(kind);
  }
  w.tag(7, I64);
  w.hrTime(span.startTime);
  w.tag(8, I64);
  w.hrTime(span.endTime);
  if (span.attributes) writeAttributes(w, span.attributes, 9);
  w.tag(10, VARINT);
  w.varint(span.droppedAttributesCount);
  for (const event of span.events) writeEvent(w, event);
  w.tag(12, VARINT);
  w.varint(span.droppedEventsCount);
  for (const link of span.links) writeLink(w, link);
  w.tag(14, VARINT);
  w.varint(span.droppedLinksCount);
  w.tag(15, LEN);
  const status = w.beginLength();
  if (span.status.message) {
    w.tag(2, LEN);
    w.string(span.status.message);
  }
  w.tag(3, VARINT);
  w.varint(span.status.code);
  w.endLength(status);
  w.tag(16, I32);
  w.fixed32(spanFlags(ctx.traceFlags, parent?.isRemote));
}

function writeEvent(w: ProtobufWriter, event: TimedEvent): void {
  w.tag(11, LEN);
  const at = w.beginLength();
  w.tag(1, I64);
  w.hrTime(event.time);
  w.tag(2, LEN);
  w.string(event.name);
  if (event.attributes) writeAttributes(w, event.attributes, 3);
  w.tag(4, VARINT);
  w.varint(event.droppedAttributesCount || 0);
  w.endLength(at);
}

function writeLink(w: ProtobufWriter, link: Link & { droppedAttributesCount?: number }): void {
  w.tag(13, LEN);
  const at = w.beginLength();
  const ctx = link.context;
  writeIds(w, ctx);
  if (link.attributes) writeAttributes(w, link.attributes, 4);
  w.tag(5, VARINT);
  w.varint(link.droppedAttributesCount || 0);
  w.tag(6, I32);
  w.fixed32(spanFlags(ctx.traceFlags, ctx.isRemote));
  w.endLength(at);
}

/** Repeated `KeyValue` under `fieldNumber`, in the attributes' own key order. */
export function writeAttributes(w: ProtobufWriter, attributes: Attributes, fieldNumber: number): void {
  // Object.keys: the own enumerable keys a for-in + hasOwnProperty walk visits, in its order, faster.
  const keys = Object.keys(attributes);
  const fieldTag = (fieldNumber << 3) | LEN;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = attributes[key];
    if (fieldTag <= 0x7f && writeShortKeyValue(w, fieldTag, key, value)) continue;
    w.tag(fieldNumber, LEN);
    const kv = w.beginLength();
    w.tag(1, LEN);
    w.string(key);
    w.tag(2, LEN);
    const at = w.beginLength();
    writeAnyValue(w, value);
    w.endLength(at);
    w.endLength(kv);
  }
}

/**
 * The common attribute in one go: an ASCII key with an ASCII string, a boolean or a small
 * non-negative integer, every length under 128 (one byte). Same bytes as the general path;
 * returns false, having written nothing, for anything else.
 */
function writeShortKeyValue(w: ProtobufWriter, fieldTag: number, key: string, value: unknown): boolean {
  const keyLen = key.length;
  let anyLen: number;
  if (typeof value === 'string') anyLen = 2 + value.length;
  else if (typeof value === 'boolean') anyLen = 2;
  else if (typeof value === 'number' && value >= 0 && value < 0x4000 && Number.isInteger(value)) anyLen = value < 0x80 ? 2 : 3;
  else return false;
  const kvLen = 2 + keyLen + 2 + anyLen;
  if (kvLen > 0x7f) return false;
  w.ensure(2 + kvLen);
  const b = w.buf;
  let p = w.pos;
  b[p++] = fieldTag;
  b[p++] = kvLen;
  b[p++] = 0x0a; // KeyValue.key
  b[p++] = keyLen;
  for (let i = 0; i < keyLen; i++) {
    const c = key.charCodeAt(i);
    if (c > 0x7f) return false;
    b[p++] = c;
  }
  b[p++] = 0x12; // KeyValue.value
  b[p++] = anyLen;
  if (typeof value === 'string') {
    b[p++] = 0x0a; // AnyValue.string_value
    b[p++] = value.length;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c > 0x7f) return false;
      b[p++] = c;
    }
  } else if (typeof value === 'boolean') {
    b[p++] = 0x10; // AnyValue.bool_value
    b[p++] = value ? 1 : 0;
  } else {
    const n = value as number;
    b[p++] = 0x18; // AnyValue.int_value
    if (n < 0x80) b[p++] = n;
    else {
      b[p++] = (n & 0x7f) | 0x80;
      b[p++] = n >>> 7;
    }
  }
  w.pos = p;
  return true;
}

/** The body of an `AnyValue`; a value of no OTLP type writes nothing (an empty AnyValue). */
function writeAnyValue(w: ProtobufWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.tag(1, LEN);
      w.string(value);
      return;
    case 'boolean':
      w.tag(2, VARINT);
      w.varint(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        w.tag(3, VARINT);
        w.varint(value);
      } else {
        w.tag(4, I64);
        w.double(value);
      }
      return;
  }
  if (value instanceof Uint8Array) {
    w.tag(7, LEN);
    w.bytes(value);
  } else if (Array.isArray(value)) {
    w.tag(5, LEN);
    const list = w.beginLength();
    for (const item of value) {
      w.tag(1, LEN);
      const at = w.beginLength();
      writeAnyValue(w, item);
      w.endLength(at);
    }
    w.endLength(list);
  } else if (typeof value === 'object' && value !== null) {
    w.tag(6, LEN);
    const list = w.beginLength();
    const obj = value as Record<string, unknown>;
    for (const key in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
      w.tag(1, LEN);
      const kv = w.beginLength();
      w.tag(1, LEN);
      w.string(key);
      w.tag(2, LEN);
      const at = w.beginLength();
      writeAnyValue(w, obj[key]);
      w.endLength(at);
      w.endLength(kv);
    }
    w.endLength(list);
  }
}

/** A `Resource` field (tag, length, body) under `fieldNumber`. */
export function writeResource(w: ProtobufWriter, resource: Resource, fieldNumber: number): void {
  w.tag(fieldNumber, LEN);
  const at = w.beginLength();
  if (resource.attributes) writeAttributes(w, resource.attributes, 1);
  w.tag(2, VARINT);
  w.varint(0);
  w.endLength(at);
}

/** An `InstrumentationScope` field (tag, length, body) under `fieldNumber`. */
export function writeScope(w: ProtobufWriter, scope: InstrumentationScope & { attributes?: Attributes; droppedAttributesCount?: number }, fieldNumber: number): void {
  w.tag(fieldNumber, LEN);
  const at = w.beginLength();
  w.tag(1, LEN);
  w.string(scope.name);
  if (scope.version) {
    w.tag(2, LEN);
    w.string(scope.version);
  }
  if (scope.attributes) writeAttributes(w, scope.attributes, 3);
  if (scope.droppedAttributesCount) {
    w.tag(4, VARINT);
    w.varint(scope.droppedAttributesCount);
  }
  w.endLength(at);
}
