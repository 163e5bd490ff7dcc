import { describe, expect, it } from 'vitest';
import type { OtlpSpan, OtlpTraceRequest } from './otlp-types.js';
import { toRows, truncateUtf8 } from './to-rows.js';

const NOW_MS = Date.UTC(2026, 5, 1, 12, 0, 0);
const START = BigInt(NOW_MS - 60_000) * 1_000_000n;
const LIMITS = { maxAttributes: 16, maxValueBytes: 64, maxEvents: 4 };

const span = (over: Partial<OtlpSpan> = {}): OtlpSpan => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  parentSpanId: '',
  traceState: '',
  name: 'chat gpt-4o',
  kind: 2,
  startTimeUnixNano: START,
  endTimeUnixNano: START + 1_500_000_000n,
  attributes: [{ key: 'gen_ai.usage.input_tokens', value: { intValue: 120n } }],
  events: [],
  links: [],
  statusCode: 0,
  statusMessage: '',
  ...over,
});

const request = (...spans: (OtlpSpan | { invalid: string })[]): OtlpTraceRequest => ({
  resourceSpans: [
    {
      resourceAttributes: [{ key: 'service.name', value: { stringValue: 'gw' } }],
      scopeSpans: [{ scopeName: 'sluice', scopeVersion: '1.0', spans }],
    },
  ],
});

describe('toRows', () => {
  it('maps a span to the exporter row shape', () => {
    const r = toRows(request(span({ statusCode: 2, statusMessage: 'boom', parentSpanId: '0000000000000000' })), LIMITS, NOW_MS);
    expect(r.rejected).toBe(0);
    expect(r.rows).toHaveLength(1);
    const row = r.rows[0];
    expect(row).toMatchObject({
      Timestamp: START,
      TraceId: '0af7651916cd43dd8448eb211c80319c',
      SpanId: 'b7ad6b7169203331',
      ParentSpanId: '',
      SpanName: 'chat gpt-4o',
      SpanKind: 'Server',
      ServiceName: 'gw',
      ScopeName: 'sluice',
      ScopeVersion: '1.0',
      Duration: 1_500_000_000n,
      StatusCode: 'Error',
      StatusMessage: 'boom',
    });
    expect({ ...row?.SpanAttributes }).toEqual({ 'gen_ai.usage.input_tokens': '120' });
  });

  it.each([
    [0, 'Unspecified'],
    [1, 'Internal'],
    [3, 'Client'],
    [4, 'Producer'],
    [5, 'Consumer'],
  ])('names kind %i %s', (kind, name) => {
    expect(toRows(request(span({ kind })), LIMITS, NOW_MS).rows[0]?.SpanKind).toBe(name);
  });

  it('rejects bad ids and absurd timestamps one by one and keeps the good spans', () => {
    const r = toRows(
      request(
        span({ traceId: '' }),
        span({ traceId: '0'.repeat(32) }),
        span({ traceId: 'xyz' }),
        span({ traceId: 'ab'.repeat(17) }),
        span({ spanId: '0'.repeat(16) }),
        span({ parentSpanId: 'abc' }),
        span({ startTimeUnixNano: 0n, endTimeUnixNano: 1n }),
        span({ startTimeUnixNano: 1_700_000_000n, endTimeUnixNano: 1_700_000_001n }), // seconds, not ns
        span({ startTimeUnixNano: START + 10n ** 18n, endTimeUnixNano: START + 10n ** 18n }), // ~30 years ahead
        span({ endTimeUnixNano: START - 1n }),
        span({ endTimeUnixNano: START + 40n * 86_400n * 10n ** 9n }),
        { invalid: 'span.name must be a string' },
        span({ spanId: 'c7ad6b7169203331' }),
      ),
      LIMITS,
      NOW_MS,
    );
    expect(r.rows.map((x) => x.SpanId)).toEqual(['c7ad6b7169203331']);
    expect(r.rejected).toBe(12);
    expect(r.rejectReasons).toEqual({
      'invalid trace id': 4,
      'invalid span id': 1,
      'invalid parent span id': 1,
      'start time out of range': 3,
      'end time before start time': 1,
      'duration out of range': 1,
      'malformed span (span.name must be a string)': 1,
    });
  });

  it('caps attribute count and value size, counting what it cut', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}`, value: { intValue: BigInt(i) } }));
    const huge = 'é'.repeat(1000);
    const r = toRows(request(span({ attributes: [{ key: 'big', value: { stringValue: huge } }, ...many], name: huge })), LIMITS, NOW_MS);
    const row = r.rows[0];
    expect(Object.keys(row?.SpanAttributes ?? {})).toHaveLength(16);
    expect(r.droppedAttributes).toBe(10_000 - 15);
    expect(Buffer.byteLength(row?.SpanAttributes.big ?? '')).toBe(64);
    expect(row?.SpanName).toBe('é'.repeat(32));
    expect(r.truncatedValues).toBe(2);
  });

  it('keeps the last of duplicate keys without counting it twice', () => {
    const r = toRows(
      request(span({ attributes: [{ key: 'a', value: { stringValue: '1' } }, { key: 'a', value: { stringValue: '2' } }] })),
      LIMITS,
      NOW_MS,
    );
    expect({ ...r.rows[0]?.SpanAttributes }).toEqual({ a: '2' });
    expect(r.droppedAttributes).toBe(0);
  });

  it('stores "__proto__" as a plain attribute', () => {
    const r = toRows(request(span({ attributes: [{ key: '__proto__', value: { stringValue: 'x' } }] })), LIMITS, NOW_MS);
    expect(JSON.stringify(r.rows[0]?.SpanAttributes)).toBe('{"__proto__":"x"}');
  });

  it('caps events and pins insane event times to the span start', () => {
    const events = Array.from({ length: 6 }, (_, i) => ({ timeUnixNano: i === 0 ? 5n : START + BigInt(i), name: `e${i}`, attributes: [] }));
    const r = toRows(request(span({ events })), LIMITS, NOW_MS);
    expect(r.rows[0]?.Events.map((e) => e.Name)).toEqual(['e0', 'e1', 'e2', 'e3']);
    expect(r.rows[0]?.Events[0]?.Timestamp).toBe(START);
    expect(r.droppedEvents).toBe(2);
  });

  it('blanks invalid link ids but keeps the link', () => {
    const r = toRows(request(span({ links: [{ traceId: 'zz', spanId: 'b7ad6b7169203331', traceState: '', attributes: [] }] })), LIMITS, NOW_MS);
    expect(r.rows[0]?.Links).toEqual([{ TraceId: '', SpanId: 'b7ad6b7169203331', TraceState: '', Attributes: {} }]);
  });
});

describe('truncateUtf8', () => {
  it('never splits a character', () => {
    expect(truncateUtf8('aé😀', 2)).toBe('a');
    expect(truncateUtf8('aé😀', 3)).toBe('aé');
    expect(truncateUtf8('aé😀', 6)).toBe('aé');
    expect(truncateUtf8('aé😀', 7)).toBe('aé😀');
  });
});
