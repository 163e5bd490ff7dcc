import type { SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { writeSpan } from './otlp-span-encoding.js';
import type { ProtobufWriter } from './protobuf-writer.js';

/**
 * A finished span as the bytes of its OTLP `Span` message, with what batching and grouping
 * need (sampling flags, resource, scope). The batch queue holds these instead of span
 * objects, so a queued span is one small buffer for the garbage collector, not ~100 objects.
 */
export class EncodedSpan {
  constructor(
    private readonly context: SpanContext,
    readonly resource: Resource,
    readonly instrumentationScope: InstrumentationScope,
    readonly bytes: Uint8Array,
  ) {}

  spanContext(): SpanContext {
    return this.context;
  }
}

/** Encodes `span` with the (reused) writer `w`. */
export function encodeSpan(span: ReadableSpan, w: ProtobufWriter): EncodedSpan {
  writeSpan(w, span);
  return new EncodedSpan(span.spanContext(), span.resource, span.instrumentationScope, w.take());
}
