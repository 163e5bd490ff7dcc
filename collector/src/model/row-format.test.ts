import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genAiTraceRequest } from '../../bench/genai-spans.js';
import { tempDir } from '../../test/helpers.js';
import { StoreConfigSchema } from '../config.js';
import type { OtlpAnyValue, OtlpKeyValue, OtlpSpan, OtlpTraceRequest } from '../otlp/otlp-types.js';
import { MAX_DURATION_NS, MIN_START_NS, toRows } from '../otlp/to-rows.js';
import { createOtelTraces } from '../store/ddl.js';
import { openStore } from '../store/open-store.js';
import { rowsOf } from '../store/store.contract.js';
import type { SpanStore } from '../store/store.js';
import { rowFormatOf } from './row-format.js';
import { encodeSpanRowsNative } from './span-block-native.js';
import { encodeSpanRows, type SpanRow } from './span-row.js';
import { encodeSpanRowsTsv, tsvTime } from './span-row-tsv.js';

// chDB is one engine per process; vitest runs this file in its own fork with its own path.
let root: { dir: string; cleanup: () => Promise<void> };
let store: SpanStore;
beforeAll(async () => {
  root = await tempDir('row-format');
  store = openStore(StoreConfigSchema.parse({ path: join(root.dir, 'chdb') }), { env: {} });
  for (const database of ['via_json', 'via_tsv', 'via_native']) {
    await store.command(`CREATE DATABASE ${database}`);
    // Without the TTL: rows from 2000 (the oldest start accepted) would expire at once.
    await store.command(createOtelTraces({ database, cluster: undefined, retentionDays: 30 }).replace(/\nTTL [^\n]*/, ''));
  }
});
afterAll(async () => {
  await store.close();
  await root.cleanup();
});

const NOW_MS = Date.now();
const NOW_NS = BigInt(NOW_MS) * 1_000_000n;
const LIMITS = { maxAttributes: 256, maxValueBytes: 64 * 1024, maxEvents: 256 };

// Text with everything the formats escape differently: quotes, backslashes, tabs, newlines,
// carriage returns, NUL, `\N`, brackets, non-ASCII. (Lone surrogates cannot come out of a
// UTF-8 decode, and a JSONEachRow insert refuses them.)
const text = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 16 }),
    fc.constantFrom('', "it's", 'a"b', '\\', '\\N', '\\t', 'tab\there', 'new\nline', 'cr\r', 'nul\u0000', "{'k':'v'}", '[1,2]', '\u2028é😀'),
  )
  .filter((s) => Buffer.from(s, 'utf8').toString('utf8') === s);
const anyValue: fc.Arbitrary<OtlpAnyValue> = fc.oneof(
  text.map((stringValue) => ({ stringValue })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((intValue) => ({ intValue })),
  fc.double().map((doubleValue) => ({ doubleValue })),
  fc.array(text.map((stringValue) => ({ stringValue })), { maxLength: 2 }).map((arrayValue) => ({ arrayValue })),
);
const attributes: fc.Arbitrary<OtlpKeyValue[]> = fc.array(fc.record({ key: fc.oneof(text, fc.constantFrom('7', '0', 'a')), value: anyValue }), { maxLength: 5 });
const hex = (bytes: number): fc.Arbitrary<string> => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
// Within a few days (one partition per day), plus the edges: 9- and 10-digit seconds.
const start = fc.oneof(fc.bigInt({ min: NOW_NS - 5n * 86_400n * 10n ** 9n, max: NOW_NS }), fc.constantFrom(MIN_START_NS, MIN_START_NS + 1n, 999_999_999_999_999_999n, NOW_NS));
const span: fc.Arbitrary<OtlpSpan> = fc
  .record({
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: fc.oneof(fc.constant(''), hex(8)),
    traceState: text,
    name: text,
    kind: fc.integer({ min: 0, max: 6 }),
    start,
    duration: fc.bigInt({ min: 0n, max: MAX_DURATION_NS }),
    attributes,
    events: fc.array(fc.record({ offset: fc.bigInt({ min: 0n, max: 10n ** 12n }), name: text, attributes }), { maxLength: 2 }),
    links: fc.array(fc.record({ traceId: hex(16), spanId: hex(8), traceState: text, attributes }), { maxLength: 2 }),
    statusCode: fc.integer({ min: 0, max: 2 }),
    statusMessage: text,
  })
  .map(({ start: s, duration, events, ...rest }) => ({
    ...rest,
    startTimeUnixNano: s,
    endTimeUnixNano: s + duration,
    events: events.map((e) => ({ timeUnixNano: s + e.offset, name: e.name, attributes: e.attributes })),
  }));
const request: fc.Arbitrary<OtlpTraceRequest> = fc.record({
  resourceSpans: fc.array(
    fc.record({
      resourceAttributes: attributes,
      scopeSpans: fc.array(fc.record({ scopeName: text, scopeVersion: text, spans: fc.array(span, { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 2 }),
    }),
    { minLength: 1, maxLength: 2 },
  ),
});

/** Every column, times as integers, in a stable order. */
const dump = (database: string): Promise<string> =>
  store.queryReadonly(
    `SELECT toUnixTimestamp64Nano(Timestamp) AS ts, arrayMap(t -> toUnixTimestamp64Nano(t), Events.Timestamp) AS event_ts, *
     FROM ${database}.otel_traces ORDER BY SpanId, ts`,
    'JSONEachRow',
  );

describe('Native and TabSeparated rows', () => {
  it('store exactly what the JSONEachRow rows store', async () => {
    const rows: SpanRow[] = [
      ...rowsOf(genAiTraceRequest(20, { error: true })),
      ...fc.sample(request, { numRuns: 150, seed: 3 }).flatMap((req) => toRows(req, LIMITS, NOW_MS).rows),
    ];
    expect(rows.length).toBeGreaterThan(200);
    const tsv = encodeSpanRowsTsv(rows);
    expect(rowFormatOf(Buffer.from(tsv))).toBe('TabSeparated');
    // Native in two blocks: the batch writer inserts several spooled bodies at once.
    const half = Math.floor(rows.length / 2);
    const native = Buffer.concat([encodeSpanRowsNative(rows.slice(0, half)), encodeSpanRowsNative(rows.slice(half))]);
    expect(rowFormatOf(native)).toBe('Native');
    // Through the store's own path, the one the batch writer uses.
    const viaTsv = openStore(StoreConfigSchema.parse({ path: join(root.dir, 'chdb'), database: 'via_tsv' }), { env: {} });
    const viaNative = openStore(StoreConfigSchema.parse({ path: join(root.dir, 'chdb'), database: 'via_native' }), { env: {} });
    const viaJson = openStore(StoreConfigSchema.parse({ path: join(root.dir, 'chdb'), database: 'via_json' }), { env: {} });
    try {
      await viaTsv.insertBody('otel_traces', tsv, 'TabSeparated', { dedupToken: 'tsv-1' });
      await viaNative.insertBody('otel_traces', native, 'Native', { dedupToken: 'native-1' });
      await viaJson.insertBody('otel_traces', encodeSpanRows(rows), 'JSONEachRow', { dedupToken: 'json-1' });
    } finally {
      await viaTsv.close();
      await viaNative.close();
      await viaJson.close();
    }
    const [json, tsvDump, nativeDump] = [await dump('via_json'), await dump('via_tsv'), await dump('via_native')];
    expect(json.trim().split('\n')).toHaveLength(rows.length);
    expect(tsvDump).toBe(json);
    expect(nativeDump).toBe(json);
  });

  it('writes times as seconds.nanoseconds', () => {
    expect(tsvTime(1_780_000_000_000_000_001n)).toBe('1780000000.000000001');
    expect(tsvTime(MIN_START_NS)).toBe('946684800.000000000');
    expect(tsvTime(5n)).toBe('0.000000005');
  });

  it('tells the spooled formats apart', () => {
    const rows = rowsOf(genAiTraceRequest(1));
    expect(rowFormatOf(Buffer.from(encodeSpanRows(rows)))).toBe('JSONEachRow');
    expect(rowFormatOf(Buffer.from(encodeSpanRowsTsv(rows)))).toBe('TabSeparated');
    expect(rowFormatOf(encodeSpanRowsNative(rows))).toBe('Native');
  });
});
