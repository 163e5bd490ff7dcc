import { SpanKind, SpanStatusCode, type Link } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeJsonRequest, encodeProtobufRequest, genAiTraceRequest } from '../../bench/genai-spans.js';
import { CollectorError } from '../errors.js';
import { decodeJsonRequest } from './decode-json.js';
import { decodeProtobufRequest } from './decode-protobuf.js';
import { isInvalidSpan, type OtlpSpan } from './otlp-types.js';

/** Spans produced by the real OpenTelemetry JS SDK, as a third-party agent would. */
let spans: ReadableSpan[] = [];

beforeAll(async () => {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'research-agent', 'deployment.environment': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('agent-sdk', '2.0.1');
  const parent = tracer.startSpan('invoke_agent planner', { kind: SpanKind.INTERNAL });
  const link: Link = { context: parent.spanContext(), attributes: { 'link.kind': 'follows' } };
  const ctxApi = await import('@opentelemetry/api');
  const ctx = ctxApi.trace.setSpan(ctxApi.context.active(), parent);
  const child = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      links: [link],
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.request.temperature': 0.7,
        'gen_ai.request.stream': true,
        'gen_ai.response.finish_reasons': ['stop', 'length'],
        'x.ints': [1, 2, 3],
        'x.unicode': 'héllo <wörld> & 😀',
      },
    },
    ctx,
  );
  child.addEvent('gen_ai.choice', { index: 0 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  child.end();
  parent.end();
  await provider.forceFlush();
  spans = memory.getFinishedSpans();
  await provider.shutdown();
});

const hrToNs = (t: [number, number]): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

describe('decoding genuine OTel SDK payloads', () => {
  it('JSON and protobuf decode to the same model, matching the SDK spans', () => {
    const fromJson = decodeJsonRequest(JsonTraceSerializer.serializeRequest(spans) as Uint8Array);
    const fromPb = decodeProtobufRequest(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
    expect(fromPb).toEqual(fromJson);

    const decoded = fromPb.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)) as OtlpSpan[];
    expect(decoded).toHaveLength(2);
    const sdkChild = spans.find((s) => s.name === 'chat gpt-4o') as ReadableSpan;
    const child = decoded.find((s) => s.name === 'chat gpt-4o') as OtlpSpan;
    expect(child.traceId).toBe(sdkChild.spanContext().traceId);
    expect(child.spanId).toBe(sdkChild.spanContext().spanId);
    expect(child.parentSpanId).toBe(sdkChild.parentSpanContext?.spanId);
    expect(child.kind).toBe(3); // CLIENT on the wire
    expect(child.startTimeUnixNano).toBe(hrToNs(sdkChild.startTime));
    expect(child.endTimeUnixNano).toBe(hrToNs(sdkChild.endTime));
    expect(child.statusCode).toBe(2);
    expect(child.statusMessage).toBe('rate limited');
    expect(child.events.map((e) => e.name)).toEqual(['gen_ai.choice']);
    expect(child.links[0]?.spanId).toBe(sdkChild.links[0]?.context.spanId);
    expect(child.attributes.find((a) => a.key === 'gen_ai.usage.input_tokens')?.value).toEqual({ intValue: 120n });
    expect(child.attributes.find((a) => a.key === 'x.unicode')?.value).toEqual({ stringValue: 'héllo <wörld> & 😀' });
    expect(fromPb.resourceSpans[0]?.resourceAttributes.find((a) => a.key === 'service.name')?.value).toEqual({ stringValue: 'research-agent' });
    expect(fromPb.resourceSpans[0]?.scopeSpans[0]).toMatchObject({ scopeName: 'agent-sdk', scopeVersion: '2.0.1' });
  });

  it('our fixture encoder agrees with both decoders', () => {
    const req = genAiTraceRequest(3);
    expect(decodeProtobufRequest(encodeProtobufRequest(req))).toEqual(decodeJsonRequest(encodeJsonRequest(req)));
  });
});

describe('bad protobuf', () => {
  const good = (): Buffer => encodeProtobufRequest(genAiTraceRequest(2));

  it('refuses garbage with COL_BAD_REQUEST', () => {
    expect(() => decodeProtobufRequest(Buffer.from('this is not protobuf at all, just text'))).toThrow(
      expect.objectContaining({ code: 'COL_BAD_REQUEST' }),
    );
  });

  it('refuses a truncated body', () => {
    const b = good();
    expect(() => decodeProtobufRequest(b.subarray(0, b.length - 7))).toThrow(expect.objectContaining({ code: 'COL_BAD_REQUEST' }));
  });

  it('any truncation or corruption either decodes or fails with COL_BAD_REQUEST, never crashes', () => {
    const b = good();
    fc.assert(
      fc.property(fc.nat({ max: b.length }), fc.array(fc.tuple(fc.nat({ max: b.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (cut, flips) => {
        const c = Buffer.from(b.subarray(0, cut));
        for (const [i, v] of flips) if (i < c.length) c[i] = v;
        try {
          decodeProtobufRequest(c);
        } catch (err) {
          expect(err).toBeInstanceOf(CollectorError);
          expect((err as CollectorError).code).toBe('COL_BAD_REQUEST');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('bad JSON', () => {
  const base = genAiTraceRequest(1);
  const withSpan = (patch: Record<string, unknown>): Buffer => {
    const req = structuredClone(base) as unknown as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    const good = req.resourceSpans[0]?.scopeSpans[0]?.spans[0] as Record<string, unknown>;
    req.resourceSpans[0]?.scopeSpans[0]?.spans.push({ ...good, ...patch }, { ...good });
    return Buffer.from(JSON.stringify(req));
  };

  it.each([
    ['not JSON', '{"resourceSpans": ['],
    ['an array', '[]'],
    ['resourceSpans not an array', '{"resourceSpans": {"a": 1}}'],
    ['scopeSpans not an array', '{"resourceSpans": [{"scopeSpans": 5}]}'],
  ])('refuses %s with COL_BAD_REQUEST', (_label, body) => {
    expect(() => decodeJsonRequest(Buffer.from(body))).toThrow(expect.objectContaining({ code: 'COL_BAD_REQUEST' }));
  });

  it.each<[string, Record<string, unknown>]>([
    ['name is a number', { name: 5 }],
    ['attributes not an array', { attributes: 'x' }],
    ['intValue not an integer', { attributes: [{ key: 'a', value: { intValue: '12x' } }] }],
    ['stringValue not a string', { attributes: [{ key: 'a', value: { stringValue: 7 } }] }],
    ['start time negative', { startTimeUnixNano: '-5' }],
    ['trace id a number', { traceId: 1234 }],
  ])('rejects only the span whose %s', (_label, patch) => {
    const spansOut = decodeJsonRequest(withSpan(patch)).resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    expect(spansOut.map(isInvalidSpan)).toEqual([false, true, false]);
  });

  it('accepts enum names, uppercase hex ids and numeric int64s', () => {
    const b = withSpan({ kind: 'SPAN_KIND_SERVER', traceId: 'AB'.repeat(16), startTimeUnixNano: Number(base.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.startTimeUnixNano) });
    const s = decodeJsonRequest(b).resourceSpans[0]?.scopeSpans[0]?.spans[1] as OtlpSpan;
    expect(s.kind).toBe(2);
    expect(s.traceId).toBe('ab'.repeat(16));
    expect(Number(s.startTimeUnixNano)).toBe(Number(base.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.startTimeUnixNano));
  });
});
