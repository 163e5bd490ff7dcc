import { request } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJsonRequest, encodeProtobufRequest, genAiSpan, genAiTraceRequest, type OtlpJsonRequest } from '../bench/genai-spans.js';
import { captureLogger, JSON_HEADERS, postTraces, PROTO_HEADERS, tempDir } from '../test/helpers.js';
import { createCollector, type Collector } from './app.js';
import { CollectorConfigSchema, StoreConfigSchema } from './config.js';
import { ExportTraceServiceResponseType, RpcStatusType } from './otlp/otlp-proto.js';
import { openStore } from './store/open-store.js';
import type { SpanStore } from './store/store.js';

let root: { dir: string; cleanup: () => Promise<void> };
let store: SpanStore;
let collector: Collector;
let url: string;
const logger = captureLogger();
const MAX_BODY = 1024 * 1024;

beforeAll(async () => {
  root = await tempDir('receiver');
  store = openStore(StoreConfigSchema.parse({ path: join(root.dir, 'chdb') }), { env: {} });
  const config = CollectorConfigSchema.parse({
    maxBodyBytes: MAX_BODY,
    maxAttributesPerSpan: 128,
    maxAttributeValueBytes: 1024,
    spool: { dir: join(root.dir, 'spool') },
    batch: { flushMs: 50 },
  });
  collector = await createCollector({ config, store, logger });
  ({ url } = await collector.listen(0, '127.0.0.1'));
});
afterAll(async () => {
  await collector.close();
  await store.close();
  await root.cleanup();
});

const stored = async (spanIds: string[]): Promise<string[]> => {
  await collector.flush();
  const rows = await store.query<{ SpanId: string }>('SELECT SpanId FROM otel.otel_traces WHERE SpanId IN {ids:Array(String)} ORDER BY SpanId', { ids: spanIds });
  return rows.map((r) => r.SpanId);
};
const decodePartial = (body: Buffer) => ExportTraceServiceResponseType.toObject(ExportTraceServiceResponseType.decode(body), { longs: Number }) as {
  partialSuccess?: { rejectedSpans?: number; errorMessage?: string };
};

/** A request with one good span and the given bad spans (JSON-shaped, anything goes). */
function mixed(bad: Record<string, unknown>[]): { req: OtlpJsonRequest; goodId: string } {
  const good = genAiSpan(0);
  const req = genAiTraceRequest(0);
  (req.resourceSpans[0]?.scopeSpans[0]?.spans as unknown[]).push(...bad, good);
  return { req, goodId: good.spanId };
}

describe('POST /v1/traces: formats and responses', () => {
  it('stores gzip and identity bodies in both encodings and answers an empty success', async () => {
    const a = genAiTraceRequest(2);
    const b = genAiTraceRequest(2);
    const r1 = await postTraces(url, gzipSync(encodeProtobufRequest(a)), { ...PROTO_HEADERS, 'content-encoding': 'gzip' });
    const r2 = await postTraces(url, encodeJsonRequest(b), JSON_HEADERS);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(r1.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodePartial(r1.body).partialSuccess).toBeUndefined();
    expect(JSON.parse(r2.body.toString())).toEqual({});
    const ids = [...a.resourceSpans[0]!.scopeSpans[0]!.spans, ...b.resourceSpans[0]!.scopeSpans[0]!.spans].map((s) => s.spanId);
    expect(await stored(ids)).toEqual([...ids].sort());
  });

  it('answers partial success in the request encoding and keeps the good span (protobuf)', async () => {
    const { req, goodId } = mixed([{ ...genAiSpan(1), traceId: '00'.repeat(16) }, { ...genAiSpan(2), startTimeUnixNano: '5', endTimeUnixNano: '6' }]);
    const r = await postTraces(url, encodeProtobufRequest(req), PROTO_HEADERS);
    expect(r.status).toBe(200);
    expect(decodePartial(r.body).partialSuccess).toEqual({ rejectedSpans: 2, errorMessage: 'rejected 2 spans: 1 invalid trace id; 1 start time out of range' });
    expect(await stored([goodId])).toEqual([goodId]);
  });

  it('rejects JSON spans with wrong types or bad ids, counts them and keeps the good one', async () => {
    const { req, goodId } = mixed([
      { ...genAiSpan(1), name: 42 },
      { ...genAiSpan(2), attributes: [{ key: 'x', value: { intValue: 'many' } }] },
      { ...genAiSpan(3), traceId: 'not-hex' },
      { ...genAiSpan(4), endTimeUnixNano: '1' },
    ]);
    const r = await postTraces(url, JSON.stringify(req), JSON_HEADERS);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('4');
    expect(body.partialSuccess.errorMessage).toContain('1 invalid trace id');
    expect(body.partialSuccess.errorMessage).toContain('malformed span (span.name must be a string)');
    expect(await stored([goodId])).toEqual([goodId]);
    expect(collector.stats().rejectReasons['invalid trace id']).toBeGreaterThanOrEqual(1);
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('rejected 4 spans'))).toBe(true);
  });

  it('caps 10,000 attributes and huge strings, says so, and stores the span', async () => {
    const span = genAiSpan(5);
    span.attributes.push(...Array.from({ length: 10_000 }, (_, i) => ({ key: `extra.${i}`, value: { stringValue: 'v' } })));
    span.attributes.push({ key: 'huge', value: { stringValue: 'x'.repeat(100_000) } });
    const req = genAiTraceRequest(0);
    req.resourceSpans[0]!.scopeSpans[0]!.spans.push(span);
    const r = await postTraces(url, gzipSync(encodeProtobufRequest(req)), { ...PROTO_HEADERS, 'content-encoding': 'gzip' });
    expect(r.status).toBe(200);
    const partial = decodePartial(r.body).partialSuccess;
    expect(partial?.rejectedSpans ?? 0).toBe(0);
    expect(partial?.errorMessage).toMatch(/dropped \d+ attributes beyond 128 per span/);
    expect(await stored([span.spanId])).toEqual([span.spanId]);
    const [row] = await store.query<{ n: number; huge: number }>(
      "SELECT length(mapKeys(SpanAttributes)) AS n, length(SpanAttributes['huge']) AS huge FROM otel.otel_traces WHERE SpanId = {id:String}",
      { id: span.spanId },
    );
    expect(row).toEqual({ n: 128, huge: 0 }); // 'huge' came after the first 128 keys
  });

  it('truncates a huge value it keeps and counts it', async () => {
    const span = genAiSpan(6);
    span.attributes.unshift({ key: 'huge', value: { stringValue: 'y'.repeat(100_000) } });
    const req = genAiTraceRequest(0);
    req.resourceSpans[0]!.scopeSpans[0]!.spans.push(span);
    const before = collector.stats().valuesTruncated;
    const r = await postTraces(url, encodeJsonRequest(req), JSON_HEADERS);
    expect(JSON.parse(r.body.toString()).partialSuccess.errorMessage).toContain('truncated 1 values longer than 1024 bytes');
    expect(collector.stats().valuesTruncated).toBe(before + 1);
    await collector.flush();
    const [row] = await store.query<{ huge: number }>("SELECT length(SpanAttributes['huge']) AS huge FROM otel.otel_traces WHERE SpanId = {id:String}", { id: span.spanId });
    expect(row?.huge).toBe(1024);
  });
});

describe('POST /v1/traces: refusals', () => {
  it('answers 400 with an OTLP Status for garbage and truncated protobuf, in protobuf', async () => {
    const garbage = await postTraces(url, Buffer.from('\xff\xff\xff\xff garbage', 'latin1'), PROTO_HEADERS);
    expect(garbage.status).toBe(400);
    const status = RpcStatusType.toObject(RpcStatusType.decode(garbage.body)) as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message).toContain('undecodable protobuf');
    const full = encodeProtobufRequest(genAiTraceRequest(3));
    const truncated = await postTraces(url, full.subarray(0, full.length - 11), PROTO_HEADERS);
    expect(truncated.status).toBe(400);
  });

  it('answers 400 in JSON for bodies that are not JSON, not OTLP-shaped, or not gzip', async () => {
    for (const body of ['{"resourceSpans":[', '{"resourceSpans":{}}', '"just a string"']) {
      const r = await postTraces(url, body, JSON_HEADERS);
      expect(r.status, body).toBe(400);
      expect(JSON.parse(r.body.toString())).toMatchObject({ code: 3 });
    }
    const notGzip = await postTraces(url, 'plain', { ...JSON_HEADERS, 'content-encoding': 'gzip' });
    expect(notGzip.status).toBe(400);
  });

  it('answers 415 for other content types and encodings', async () => {
    expect((await postTraces(url, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await postTraces(url, 'x', { ...JSON_HEADERS, 'content-encoding': 'br' })).status).toBe(415);
  });

  it('answers 413 for a declared oversize body without reading it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/v1/traces`, { method: 'POST', headers: { ...JSON_HEADERS, 'content-length': String(MAX_BODY * 4) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"resourceSpans":['); // the rest never comes: the answer must not wait for it
    });
    expect(status).toBe(413);
  });

  it('answers 413 for a chunked body that grows past the limit, and for a gzip bomb', async () => {
    const big = Buffer.alloc(MAX_BODY + 10, 0x20);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/v1/traces`, { method: 'POST', headers: JSON_HEADERS }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(big.subarray(0, 100_000));
      req.write(big.subarray(100_000));
    });
    expect(chunked).toBe(413);
    const bomb = gzipSync(Buffer.alloc(MAX_BODY * 8, 0x20));
    const r = await postTraces(url, bomb, { ...JSON_HEADERS, 'content-encoding': 'gzip' });
    expect(r.status).toBe(413);
  });

  it('answers 404 and 405 off the OTLP route', async () => {
    expect((await fetch(`${url}/v1/logs`, { method: 'POST' })).status).toBe(404);
    const get = await fetch(`${url}/v1/traces`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('keeps serving after all of the above', async () => {
    const req = genAiTraceRequest(1);
    expect((await postTraces(url, encodeJsonRequest(req), JSON_HEADERS)).status).toBe(200);
    const id = req.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.spanId;
    expect(await stored([id])).toEqual([id]);
    expect(collector.stats().refused).toMatchObject({ '400': 6, '413': 3, '415': 2 });
  });
});
