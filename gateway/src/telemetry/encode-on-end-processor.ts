import { type Context, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { encodeSpan } from './encoded-span.js';
import { ProtobufWriter } from './protobuf-writer.js';

/**
 * In front of a `BatchSpanProcessor` whose exporter serializes with `otlpProtobufSerializer`:
 * encodes each sampled span as it ends and queues the encoding instead of the span. The
 * span objects then die young; queued for up to the batch delay they would survive minor
 * GCs and be copied and promoted, which cost more CPU than creating them.
 *
 * The batch processor reads only `spanContext()` (sampled flag) and `resource` (pending
 * async attributes) of what it queues; `EncodedSpan` provides both.
 */
export class EncodeOnEndProcessor implements SpanProcessor {
  private readonly writer = new ProtobufWriter();

  constructor(private readonly batch: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.batch.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // The batch processor drops unsampled spans; skip encoding them.
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.batch.onEnd(encodeSpan(span, this.writer) as unknown as ReadableSpan);
  }

  forceFlush(): Promise<void> {
    return this.batch.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.batch.shutdown();
  }
}
