import { type AttributeValue, type Attributes, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resources, tracing } from '@opentelemetry/sdk-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSpan } from './encoded-span.js';
import { serializeTraceRequest } from './otlp-protobuf-serializer.js';
import { ProtobufWriter } from './protobuf-writer.js';

// The serializer must write exactly what the OTel transformer's ProtobufTraceSerializer
// writes, for spans as they come and for spans encoded as they ended.

const official = (spans: tracing.ReadableSpan[]) => Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
const ours = (spans: Parameters<typeof serializeTraceRequest>[0]) => Buffer.from(serializeTraceRequest(spans));

/** Ends spans built by `build` on a provider with `resource`, returning them as exported. */
function recordSpans(resource: resources.Resource, build: (tracer: ReturnType<tracing.BasicTracerProvider['getTracer']>, other: ReturnType<tracing.BasicTracerProvider['getTracer']>) => void): tracing.ReadableSpan[] {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new tracing.BasicTracerProvider({ resource, spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
  build(provider.getTracer('sluice-gateway', '0.1.0'), provider.getTracer('other-scope', undefined, { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' }));
  return exporter.getFinishedSpans();
}

const EDGE_VALUES: AttributeValue[] = [
  '',
  'ascii',
  'é ü 漢字 🎉',
  'lone \ud800 surrogate',
  'x'.repeat(127),
  'x'.repeat(128),
  'é'.repeat(9000),
  0,
  127,
  128,
  16383,
  16384,
  -1,
  -(2 ** 31),
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  -(2 ** 63),
  2 ** 63,
  1.5,
  -0.25,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  ['stop', 'length'],
  [1, 2, 3],
  [0.5, -1],
  [true, false],
  [],
];

function edgeSpans(): tracing.ReadableSpan[] {
  const a = resources.defaultResource().merge(resources.resourceFromAttributes({ 'service.name': 'sluice-gateway', 'deployment.environment': 'test' }));
  const b = resources.resourceFromAttributes({ 'service.name': 'other' }, { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=a,other=b'),
  });
  const first = recordSpans(a, (tracer, other) => {
    const server = tracer.startSpan('chat sim-fast', { kind: SpanKind.SERVER }, remoteParent);
    EDGE_VALUES.forEach((v, i) => server.setAttribute(`edge.${i}`, v));
    server.addEvent('guardrail.hit', { 'rule.name': 'pii-in', count: 2, 'ratio.value': 0.5 });
    server.addEvent('no attributes');
    server.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream said nö' });
    const client = tracer.startSpan(
      'chat sim-fast',
      {
        kind: SpanKind.CLIENT,
        attributes: { 'gen_ai.operation.name': 'chat', 'server.port': 8080 },
        links: [{ context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, traceState: new TraceState('k=v') }, attributes: { 'link.kind': 'hedge' } }],
      },
      trace.setSpan(ROOT_CONTEXT, server),
    );
    client.end();
    server.end();
    const internal = other.startSpan('background', {}, ROOT_CONTEXT);
    internal.setStatus({ code: SpanStatusCode.OK });
    internal.end();
  });
  const second = recordSpans(b, (tracer) => {
    const s = tracer.startSpan('embeddings sim-embed', { kind: SpanKind.CLIENT });
    s.setAttribute('gen_ai.usage.input_tokens', 12);
    s.end();
  });
  // Interleave resources and scopes so grouping order matters.
  return [first[0], second[0], first[2], first[1]];
}

describe('otlp protobuf serializer', () => {
  it('writes the OTel transformer bytes for spans with every kind of value, events, links, parents, resources and scopes', () => {
    const spans = edgeSpans();
    expect(ours(spans).equals(official(spans))).toBe(true);
  });

  it('writes the same bytes from spans encoded as they ended (small slabs: encodings move between slabs)', () => {
    const spans = edgeSpans();
    const w = new ProtobufWriter(16);
    const encoded = spans.map((s) => encodeSpan(s, w));
    expect(ours(encoded).equals(official(spans))).toBe(true);
    // Mixed: some encoded, some not.
    expect(ours([encoded[0], spans[1], encoded[2], spans[3]]).equals(official(spans))).toBe(true);
  });

  it('matches the OTel transformer for arbitrary attributes', () => {
    // Mostly ASCII keys (as real attribute names are), so the one-byte-lengths fast path is hit often.
    const key = fc.oneof(
      { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 60 }), weight: 3 },
      { arbitrary: fc.constantFrom('gen_ai.operation.name', 'sluice.attempt', 'http.response.status_code'), weight: 1 },
      { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), weight: 1 },
    );
    const scalar = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.maxSafeInteger(),
      fc.constantFrom(...EDGE_VALUES.filter((v) => !Array.isArray(v))),
    );
    const value: fc.Arbitrary<AttributeValue> = fc.oneof(
      scalar,
      fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 5 }),
      fc.array(fc.integer(), { maxLength: 5 }),
      fc.array(fc.boolean(), { maxLength: 5 }),
    );
    const attrs = fc.dictionary(key, value, { maxKeys: 40 });
    const name = fc.string({ unit: 'binary', maxLength: 60 });
    fc.assert(
      fc.property(fc.array(fc.tuple(name, attrs, attrs), { minLength: 1, maxLength: 4 }), fc.integer({ min: 8, max: 4096 }), (defs, slabBytes) => {
        const spans = recordSpans(resources.defaultResource(), (tracer) => {
          for (const [spanName, start, later] of defs) {
            const s = tracer.startSpan(spanName, { kind: SpanKind.CLIENT, attributes: start as Attributes });
            s.setAttributes(later as Attributes);
            s.addEvent(spanName, later as Attributes);
            s.end();
          }
        });
        const want = official(spans);
        const w = new ProtobufWriter(slabBytes);
        return ours(spans).equals(want) && ours(spans.map((s) => encodeSpan(s, w))).equals(want);
      }),
      { numRuns: 300 },
    );
  });
});
