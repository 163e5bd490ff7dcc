import { ROOT_CONTEXT, SpanKind, TraceFlags } from '@opentelemetry/api';
import { resources, tracing } from '@opentelemetry/sdk-node';
import { describe, expect, it } from 'vitest';
import { EncodeOnEndProcessor } from './encode-on-end-processor.js';
import { EncodedSpan } from './encoded-span.js';
import { writeSpan } from './otlp-span-encoding.js';
import { ProtobufWriter } from './protobuf-writer.js';

/** Records what reaches the batch processor behind the encoder. */
function behind() {
  const seen: unknown[] = [];
  const next: tracing.SpanProcessor = {
    onStart: () => {},
    onEnd: (s) => void seen.push(s),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  return { seen, next };
}

function providerWith(processor: tracing.SpanProcessor, sampler?: tracing.Sampler) {
  return new tracing.BasicTracerProvider({ resource: resources.defaultResource(), spanProcessors: [processor], ...(sampler ? { sampler } : {}) });
}

describe('EncodeOnEndProcessor', () => {
  it('hands the batch processor each sampled span as its OTLP encoding, with context, resource and scope', () => {
    const { seen, next } = behind();
    const provider = providerWith(new EncodeOnEndProcessor(next));
    const span = provider.getTracer('sluice-gateway', '0.1.0').startSpan('chat m', { kind: SpanKind.SERVER, attributes: { 'gen_ai.request.model': 'm' } }, ROOT_CONTEXT);
    span.end();
    expect(seen).toHaveLength(1);
    const encoded = seen[0] as EncodedSpan;
    expect(encoded).toBeInstanceOf(EncodedSpan);
    expect(encoded.spanContext()).toEqual(span.spanContext());
    const readable = span as unknown as tracing.ReadableSpan;
    expect(encoded.resource).toBe(readable.resource);
    expect(encoded.instrumentationScope).toBe(readable.instrumentationScope);
    const w = new ProtobufWriter();
    writeSpan(w, readable);
    expect(Buffer.from(encoded.bytes).equals(Buffer.from(w.take()))).toBe(true);
  });

  it('does not encode spans that are recorded but not sampled (the batch processor would drop them)', () => {
    const { seen, next } = behind();
    const recordOnly: tracing.Sampler = { shouldSample: () => ({ decision: tracing.SamplingDecision.RECORD }), toString: () => 'record-only' };
    const provider = providerWith(new EncodeOnEndProcessor(next), recordOnly);
    const span = provider.getTracer('t').startSpan('x', {}, ROOT_CONTEXT);
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    span.end();
    expect(seen).toEqual([]);
  });
});
