import type { InstrumentationScope } from '@opentelemetry/core';
import { type IExportTraceServiceResponse, type ISerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { EncodedSpan } from './encoded-span.js';
import { writeResource, writeScope, writeSpan } from './otlp-span-encoding.js';
import { ProtobufWriter } from './protobuf-writer.js';

type Item = ReadableSpan | EncodedSpan;

const LEN = 2;
const resourceCache = new WeakMap<Resource, Uint8Array>();
const scopeCache = new WeakMap<InstrumentationScope, Uint8Array>();

/**
 * OTLP/protobuf `ExportTraceServiceRequest` for a batch of spans, byte for byte what
 * `@opentelemetry/otlp-transformer`'s `ProtobufTraceSerializer` writes (spans grouped by
 * resource, then scope, in first-seen order). Spans already encoded (`EncodedSpan`) are
 * copied in as they are; the resource and scope encodings are computed once per object.
 */
export function serializeTraceRequest(spans: readonly Item[]): Uint8Array {
  const groups = new Map<Resource, Map<InstrumentationScope, Item[]>>();
  let estimateBytes = 1024;
  for (const span of spans) {
    let scopes = groups.get(span.resource);
    if (!scopes) groups.set(span.resource, (scopes = new Map()));
    let items = scopes.get(span.instrumentationScope);
    if (!items) scopes.set(span.instrumentationScope, (items = []));
    items.push(span);
    estimateBytes += span instanceof EncodedSpan ? span.bytes.length + 4 : 2048;
  }
  const w = new ProtobufWriter(estimateBytes);
  for (const [resource, scopes] of groups) {
    w.tag(1, LEN);
    const resourceSpans = w.beginLength();
    w.raw(encodedOnce(resourceCache, resource, (rw) => writeResource(rw, resource, 1), !resource.asyncAttributesPending));
    for (const [scope, items] of scopes) {
      w.tag(2, LEN);
      const scopeSpans = w.beginLength();
      w.raw(encodedOnce(scopeCache, scope, (sw) => writeScope(sw, scope, 1), true));
      for (const item of items) {
        w.tag(2, LEN);
        if (item instanceof EncodedSpan) {
          w.bytes(item.bytes);
        } else {
          const at = w.beginLength();
          writeSpan(w, item);
          w.endLength(at);
        }
      }
      if (scope.schemaUrl) {
        w.tag(3, LEN);
        w.string(scope.schemaUrl);
      }
      w.endLength(scopeSpans);
    }
    if (resource.schemaUrl) {
      w.tag(3, LEN);
      w.string(resource.schemaUrl);
    }
    w.endLength(resourceSpans);
  }
  return w.finish();
}

function encodedOnce<K extends object>(cache: WeakMap<K, Uint8Array>, key: K, write: (w: ProtobufWriter) => void, cacheable: boolean): Uint8Array {
  const hit = cache.get(key);
  if (hit) return hit;
  const w = new ProtobufWriter(512);
  write(w);
  const bytes = w.take();
  if (cacheable) cache.set(key, bytes);
  return bytes;
}

/** The OTLP exporter's serializer: requests as above, responses by the OTel transformer. */
export const otlpProtobufSerializer: ISerializer<ReadableSpan[], IExportTraceServiceResponse> = {
  serializeRequest: (spans) => serializeTraceRequest(spans),
  deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
};
