import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeProtobufRequest, genAiTraceRequest } from '../../bench/genai-spans.js';
import { ByteWriter } from '../model/byte-writer.js';
import { decodeProtobufRequest } from './decode-protobuf.js';
import { ExportTraceServiceRequestType } from './otlp-proto.js';
import { encodeRows, protobufRows, type EncodedRows } from './protobuf-rows.js';
import { MAX_DURATION_NS, MIN_START_NS, toRows, type RowLimits } from './to-rows.js';

const NOW_MS = Date.UTC(2026, 5, 1, 12, 0, 0);
const NOW_NS = BigInt(NOW_MS) * 1_000_000n;
const LATEST_NS = NOW_NS + 24n * 3600n * 1_000_000_000n;
const DEFAULTS: RowLimits = { maxAttributes: 256, maxValueBytes: 64 * 1024, maxEvents: 256 };
const TIGHT: RowLimits = { maxAttributes: 3, maxValueBytes: 64, maxEvents: 1 };

/** The reference: decode to the model, map with `toRows`, stringify. */
function reference(body: Buffer, limits: RowLimits): EncodedRows | { error: unknown } {
  try {
    return encodeRows(toRows(decodeProtobufRequest(body), limits, NOW_MS));
  } catch (error) {
    return { error };
  }
}

function fast(body: Buffer, limits: RowLimits): EncodedRows | { error: unknown } {
  try {
    return protobufRows(body, limits, NOW_MS);
  } catch (error) {
    return { error };
  }
}

/** Same body bytes (compared as latin1 text for readable diffs), same counts, or the same error. */
function expectSame(body: Buffer, limits: RowLimits): void {
  const want = reference(body, limits);
  const got = fast(body, limits);
  if ('error' in want) {
    expect(got).toEqual(want);
    return;
  }
  expect('error' in got ? got.error : undefined).toBeUndefined();
  const { payload: gotPayload, ...gotCounts } = got as EncodedRows;
  const { payload: wantPayload, ...wantCounts } = want;
  expect(gotPayload.toString('latin1')).toBe(wantPayload.toString('latin1'));
  expect(gotCounts).toEqual(wantCounts);
}

// --- Arbitrary OTLP requests, as protobufjs objects (ids as bytes, 64-bit numbers as strings).

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }), // any code point: controls, U+2028, astral
  fc.constantFrom('', 'gpt-4o', 'a"b\\c', '<&>', '\u2028\u2029', '\u0000\u001f\u007f', 'héllo 😀', '\uFEFFbom'),
  fc.string({ minLength: 60, maxLength: 70 }), // around the tight value cap
);
const key = fc.oneof(
  fc.constantFrom('service.name', 'gen_ai.request.model', 'k', '0', '42', '01', '4294967295', '-1', '__proto__', 'constructor', ''),
  text,
  fc.string({ minLength: 1020, maxLength: 1030 }), // around the key cap
);
const leaf = fc.oneof(
  text.map((s) => ({ stringValue: s })),
  fc.boolean().map((b) => ({ boolValue: b })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => ({ intValue: n.toString() })),
  fc.integer({ min: 0, max: 2 ** 40 }).map((n) => ({ intValue: String(n) })),
  fc.double().map((d) => ({ doubleValue: d })),
  fc.uint8Array({ maxLength: 6 }).map((b) => ({ bytesValue: Buffer.from(b) })),
  fc.constant({}),
);
const { value } = fc.letrec<{ value: object }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
    fc.array(fc.record({ key, value: tie('value') }), { maxLength: 3 }).map((values) => ({ kvlistValue: { values } })),
  ),
}));
const keyValue = fc.record({ key, value });
const attributes = fc.oneof(
  fc.array(keyValue, { maxLength: 6 }),
  // Few distinct keys: duplicates are likely.
  fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), value: leaf }), { maxLength: 6 }),
  fc.array(fc.record({ key: fc.constantFrom('gen_ai.usage.input_tokens', 'sluice.agent', 'x.y'), value: leaf }), { maxLength: 3 }),
);
const bytesOf = (n: number): fc.Arbitrary<Buffer> => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b));
const traceId = fc.oneof({ weight: 6, arbitrary: bytesOf(16) }, bytesOf(0), fc.constant(Buffer.alloc(16)), fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)));
const spanId = fc.oneof({ weight: 6, arbitrary: bytesOf(8) }, bytesOf(0), fc.constant(Buffer.alloc(8)), fc.uint8Array({ maxLength: 10 }).map((b) => Buffer.from(b)));
const parentSpanId = fc.oneof(bytesOf(0), bytesOf(8), fc.constant(Buffer.alloc(8)), fc.uint8Array({ maxLength: 10 }).map((b) => Buffer.from(b)));
const startNs = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: NOW_NS - 10n ** 15n, max: NOW_NS }) },
  fc.constantFrom(MIN_START_NS - 1n, MIN_START_NS, LATEST_NS, LATEST_NS + 1n, 0n, 2n ** 63n, 2n ** 64n - 1n),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
);
const durationNs = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 10n }) },
  fc.constantFrom(MAX_DURATION_NS, MAX_DURATION_NS + 1n, -1n, 2n ** 53n),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n }),
);
const event = fc.record({ timeUnixNano: startNs.map(String), name: text, attributes: fc.array(keyValue, { maxLength: 2 }) });
const link = fc.record({ traceId, spanId, traceState: text, attributes: fc.array(keyValue, { maxLength: 2 }) });
const span = fc
  .record({
    traceId,
    spanId,
    parentSpanId,
    traceState: text,
    name: text,
    kind: fc.integer({ min: 0, max: 7 }),
    start: startNs,
    duration: durationNs,
    attributes,
    events: fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, fc.array(event, { maxLength: 2 })),
    links: fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, fc.array(link, { maxLength: 2 })),
    status: fc.option(fc.record({ code: fc.integer({ min: 0, max: 4 }), message: text }), { nil: undefined }),
    flags: fc.option(fc.nat(), { nil: undefined }),
    droppedAttributesCount: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ start, duration, ...s }) => {
    const end = start + duration;
    return { ...s, startTimeUnixNano: String(start), endTimeUnixNano: String(end < 0n || end >= 2n ** 64n ? start : end) };
  });
/** Spans the fast path takes, unless one detail sends them to the mapper. */
const simpleLeaf = fc.oneof(
  text.map((s) => ({ stringValue: s })),
  fc.boolean().map((b) => ({ boolValue: b })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => ({ intValue: n.toString() })),
  fc.integer({ min: 0, max: 2 ** 50 }).map((n) => ({ intValue: String(n) })),
  fc.double().map((d) => ({ doubleValue: d })),
  fc.array(fc.oneof(text.map((s) => ({ stringValue: s })), fc.double().map((d) => ({ doubleValue: d }))), { maxLength: 2 }).map((values) => ({ arrayValue: { values } })),
);
const nonZero = (n: number): fc.Arbitrary<Buffer> => bytesOf(n).filter((b) => b.some((x) => x !== 0));
const plainSpan = fc
  .record({
    traceId: nonZero(16),
    spanId: nonZero(8),
    parentSpanId: fc.oneof(bytesOf(0), nonZero(8), fc.constant(Buffer.alloc(8))),
    traceState: text,
    name: text,
    kind: fc.integer({ min: 0, max: 7 }),
    // Just inside and just outside every bound.
    start: fc.oneof(fc.bigInt({ min: MIN_START_NS, max: LATEST_NS }), fc.constantFrom(MIN_START_NS - 1n, MIN_START_NS, LATEST_NS, LATEST_NS + 1n)),
    duration: fc.oneof(fc.bigInt({ min: 0n, max: MAX_DURATION_NS }), fc.constantFrom(0n, MAX_DURATION_NS, MAX_DURATION_NS + 1n)),
    attributes: fc.array(fc.record({ key: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'gen_ai.request.model') }, key), value: simpleLeaf }), { maxLength: 5 }),
    status: fc.option(fc.record({ code: fc.integer({ min: 0, max: 4 }), message: text }), { nil: undefined }),
  })
  .map(({ start, duration, ...s }) => ({ ...s, startTimeUnixNano: String(start), endTimeUnixNano: String(start + duration) }));
const request = fc.record({
  resourceSpans: fc.array(
    fc.record({
      resource: fc.record({ attributes: fc.array(keyValue, { maxLength: 3 }) }),
      scopeSpans: fc.array(fc.record({ scope: fc.record({ name: text, version: text }), spans: fc.array(fc.oneof(plainSpan, span), { maxLength: 4 }) }), { maxLength: 2 }),
    }),
    { maxLength: 2 },
  ),
});
const encode = (req: object): Buffer => Buffer.from(ExportTraceServiceRequestType.encode(ExportTraceServiceRequestType.fromObject(req)).finish());

describe('protobufRows: the same body as decode → toRows → encodeSpanRowsNative', () => {
  it('on the realistic GenAI gateway spans', () => {
    expectSame(encodeProtobufRequest(genAiTraceRequest(50, {}, 0)), DEFAULTS);
    expectSame(encodeProtobufRequest(genAiTraceRequest(20, { error: true, startMs: NOW_MS - 5000 }, 7)), DEFAULTS);
    expectSame(encodeProtobufRequest(genAiTraceRequest(20, {}, 3)), TIGHT);
  });

  it('on arbitrary requests, with default and tight limits', () => {
    fc.assert(
      fc.property(request, fc.constantFrom(DEFAULTS, TIGHT, { maxAttributes: 600, maxValueBytes: 100, maxEvents: 2 }), (req, limits) => {
        expectSame(encode(req), limits);
      }),
      { numRuns: 600 },
    );
  });

  it('on corrupted, truncated and spliced bodies: same body or the same error', () => {
    const good = encode({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gw' } }] },
          scopeSpans: [{ scope: { name: 's', version: '1' }, spans: genAiTraceRequest(3, { startMs: NOW_MS - 1000 }).resourceSpans[0]?.scopeSpans[0]?.spans.map((s) => ({ ...s, traceId: Buffer.from(s.traceId, 'hex'), spanId: Buffer.from(s.spanId, 'hex') })) }],
        },
      ],
    });
    fc.assert(
      fc.property(
        fc.nat({ max: good.length }),
        fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(fc.tuple(fc.nat({ max: good.length }), fc.uint8Array({ maxLength: 8 })), { nil: undefined }),
        (cut, flips, splice) => {
          let c = Buffer.from(good.subarray(0, cut));
          for (const [i, v] of flips) if (i < c.length) c[i] = v;
          if (splice !== undefined) c = Buffer.concat([c.subarray(0, splice[0]), Buffer.from(splice[1]), c.subarray(splice[0])]);
          expectSame(c, DEFAULTS);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('takes invalid UTF-8 the decoder way (replacement characters)', () => {
    const body = encode({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'n', startTimeUnixNano: String(NOW_NS), endTimeUnixNano: String(NOW_NS), attributes: [{ key: 'k', value: { stringValue: 'MARK' } }] }] }] }] });
    const at = body.indexOf('MARK');
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const c = Buffer.from(body);
      Buffer.from(bad).copy(c, at);
      expectSame(c, DEFAULTS);
      expect(fast(c, DEFAULTS)).toMatchObject({ rows: 1 });
    }
  });
});

// --- Hand-made wire bytes for what SDK encoders never send: repeated singular fields,
// several oneof members, unknown fields, over-long varints.

type Field = [field: number, value: number | bigint | string | Buffer | Field[], wire?: 'fixed64' | 'fixed32' | 'long-varint'];
const varint = (n: bigint, minBytes = 1): Buffer => {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  do {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  } while (v > 0n || out.length < minBytes);
  out[out.length - 1] &= 0x7f;
  return Buffer.from(out);
};
function wire(fields: Field[]): Buffer {
  return Buffer.concat(
    fields.map(([field, value, kind]) => {
      if (kind === 'fixed64') {
        const b = Buffer.alloc(8);
        b.writeBigUInt64LE(BigInt(value as bigint));
        return Buffer.concat([varint(BigInt((field << 3) | 1)), b]);
      }
      if (kind === 'fixed32') {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(Number(value));
        return Buffer.concat([varint(BigInt((field << 3) | 5)), b]);
      }
      if (typeof value === 'number' || typeof value === 'bigint') return Buffer.concat([varint(BigInt(field << 3)), varint(BigInt(value), kind === 'long-varint' ? 10 : 1)]);
      const payload = typeof value === 'string' ? Buffer.from(value) : Buffer.isBuffer(value) ? value : wire(value);
      return Buffer.concat([varint(BigInt((field << 3) | 2)), varint(BigInt(payload.length)), payload]);
    }),
  );
}
const T0 = NOW_NS - 10n ** 9n;
const plainFields = (): Field[] => [
  [1, Buffer.alloc(16, 0xab)],
  [2, Buffer.alloc(8, 0xcd)],
  [5, 'chat'],
  [7, T0, 'fixed64'],
  [8, T0 + 5n, 'fixed64'],
];
const requestOf = (spanFields: Field[]): Buffer => wire([[1, [[1, [[1, [[1, 'service.name'], [2, [[1, 'gw']]]]]]], [2, [[1, [[1, 's']]], [2, spanFields]]]]]]);
const kv = (key: Field[], value: Field[]): Field => [9, [...key, [2, value]]];

describe('protobufRows on wire-level oddities', () => {
  it.each<[string, Field[]]>([
    ['a plain span', []],
    ['a string then an array in one AnyValue', [kv([[1, 'k']], [[1, 'x'], [5, [[1, [[1, 'a']]]]]])]],
    ['an array then a string in one AnyValue', [kv([[1, 'k']], [[5, [[1, [[1, 'a']]]]], [1, 'x']])]],
    ['an unknown field then a string in one AnyValue', [kv([[1, 'k']], [[9, 7], [1, 'x']])]],
    ['a string then an int in one AnyValue', [kv([[1, 'k']], [[1, 'x'], [3, 42]])]],
    ['an empty AnyValue', [kv([[1, 'k']], [])]],
    ['a bool as a 10-byte varint', [kv([[1, 'k']], [[2, 1, 'long-varint']])]],
    ['a negative int', [kv([[1, 'k']], [[3, -5n]])]],
    ['an int past 49 bits', [kv([[1, 'k']], [[3, 2n ** 60n]])]],
    ['a key given twice', [kv([[1, 'a'], [1, 'b']], [[1, 'x']])]],
    ['a value given twice', [[9, [[1, 'k'], [2, [[1, 'x']]], [2, [[3, 7]]]]]]],
    ['a KeyValue without a value', [[9, [[1, 'k']]]]],
    ['a KeyValue with an unknown field', [[9, [[1, 'k'], [3, 1], [2, [[1, 'x']]]]]]],
    ['the name twice', [[5, 'second']]],
    ['the start time twice', [[7, T0 - 10n, 'fixed64']]],
    ['two status messages', [[15, [[2, 'first'], [3, 2]]], [15, [[3, 1]]]]],
    ['a status with an unknown field', [[15, [[1, 'x'], [3, 2], [2, 'm']]]]],
    ['the kind as a 10-byte varint', [[6, 2, 'long-varint']]],
    ['an unknown kind', [[6, 99]]],
    ['unknown span fields', [[16, 1, 'fixed32'], [99, 5], [100, 'x'], [10, 3]]],
    ['a parent id of zeros', [[4, Buffer.alloc(8)]]],
    ['a parent id of 4 bytes', [[4, Buffer.alloc(4, 1)]]],
    ['the trace id twice, the second all zeros', [[1, Buffer.alloc(16)]]],
    ['an event', [[11, [[2, 'e']]]]],
  ])('%s', (_label, extra) => {
    expectSame(requestOf([...plainFields(), ...extra]), DEFAULTS);
  });
});

describe('ByteWriter Native strings', () => {
  it('copies valid UTF-8 bytes as nativeString writes the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const src = Buffer.from(s, 'utf8');
        const w = new ByteWriter(4);
        expect(w.nativeBytes(src, 0, src.length)).toBe(true);
        const want = new ByteWriter(4);
        want.nativeString(s);
        expect(w.take()).toEqual(want.take());
      }),
      { numRuns: 500 },
    );
  });

  it('refuses invalid UTF-8 without writing', () => {
    const w = new ByteWriter(4);
    w.nativeString('x');
    expect(w.nativeBytes(Buffer.from([0x61, 0xff]), 0, 2)).toBe(false);
    expect(w.nativeBytes(Buffer.from([0xc3]), 0, 1)).toBe(false);
    expect([...w.take()]).toEqual([1, 0x78]);
  });

  it('writes numbers as their decimal strings', () => {
    for (const n of [0, 7, 10, 99, 127, 128, 65535, 2 ** 32, 2 ** 49 + 3, Number.MAX_SAFE_INTEGER]) {
      const w = new ByteWriter(1);
      w.nativeDigits(n);
      const want = new ByteWriter(1);
      want.nativeString(String(n));
      expect(w.take()).toEqual(want.take());
    }
  });
});
