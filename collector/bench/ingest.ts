import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createCollector } from '../src/app.js';
import { CollectorConfigSchema, StoreConfigSchema } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { migrate } from '../src/store/migrations.js';
import { openStore } from '../src/store/open-store.js';
import type { SpanStore } from '../src/store/store.js';
import { encodeProtobufRequest, genAiTraceRequest } from './genai-spans.js';

export interface BenchIngestOptions {
  /** Spans to send in total. */
  spans: number;
  /** Spans per OTLP export request. */
  batchSize: number;
  /** Concurrent exporters (default 4). */
  concurrency?: number;
  /** gzip the bodies as OTel exporters usually do (default true). */
  gzip?: boolean;
  /**
   * Distinct spans to encode (default: all of them); the request bodies are sent in turn
   * until `spans` went out. Encoding realistic spans costs ~75 µs each, so a long, sustained
   * run repeats its bodies: the ids repeat, which `otel_traces` stores like any other rows.
   */
  distinctSpans?: number;
  /** Reuse an open store (one chDB engine per process); default: a fresh one in a temp dir. */
  store?: SpanStore;
}

export interface BenchIngestResult {
  /** Spans per second from the first request to every span visible in `otel_traces`. */
  spansPerSec: number;
  /** Spans per second acknowledged by the receiver (fsynced in the spool). */
  ackSpansPerSec: number;
  spans: number;
  requests: number;
  seconds: number;
  /**
   * Process CPU seconds (user + system, all threads: JS and the chDB engine) from the first
   * request to every span stored; steadier than wall time on a shared machine.
   */
  cpuSeconds: number;
}

/**
 * Collector ingest rate on this machine: realistic GenAI gateway spans, OTLP/protobuf over
 * loopback HTTP into the receiver, through the spool and batch writer into chDB (with the
 * materialized views). Measures; asserts nothing.
 */
export async function benchIngest(o: BenchIngestOptions): Promise<BenchIngestResult> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-ingest-'));
  const store = o.store ?? openStore(StoreConfigSchema.parse({ path: join(dir, 'chdb') }), { env: {} });
  try {
    await migrate(store);
    const table = `\`${store.info.database}\`.otel_traces`;
    const [before] = await store.query<{ n: string | number }>(`SELECT count() AS n FROM ${table}`);
    const config = CollectorConfigSchema.parse({ spool: { dir: join(dir, 'spool'), maxBytes: 4 * 1024 * 1024 * 1024 } });
    const collector = await createCollector({ config, store, logger: silentLogger, migrate: false });
    const { url } = await collector.listen(0, '127.0.0.1');
    const gzip = o.gzip ?? true;
    const requests = Math.ceil(o.spans / o.batchSize);
    const distinct = Math.min(o.distinctSpans ?? o.spans, o.spans);
    if (distinct < o.spans && (distinct % o.batchSize !== 0 || o.spans % o.batchSize !== 0)) throw new Error('repeated bodies need spans and distinctSpans in whole batches');
    // Encode up front: the benchmark measures the collector, not the client.
    const encoded = Array.from({ length: Math.ceil(distinct / o.batchSize) }, (_, r) => {
      const raw = encodeProtobufRequest(genAiTraceRequest(Math.min(o.batchSize, distinct - r * o.batchSize), {}, r * o.batchSize));
      return gzip ? gzipSync(raw) : raw;
    });
    const bodies = Array.from({ length: requests }, (_, r) => encoded[r % encoded.length] as Buffer);
    const headers = { 'content-type': 'application/x-protobuf', ...(gzip ? { 'content-encoding': 'gzip' } : {}) };
    let next = 0;
    const cpuAtStart = process.cpuUsage();
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < bodies.length) {
        const body = bodies[next++] as Buffer;
        const res = await fetch(`${url}/v1/traces`, { method: 'POST', headers, body });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`collector answered ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: o.concurrency ?? 4 }, worker));
    const acked = performance.now();
    await collector.flush();
    const done = performance.now();
    const cpu = process.cpuUsage(cpuAtStart);
    const [after] = await store.query<{ n: string | number }>(`SELECT count() AS n FROM ${table}`);
    await collector.close();
    const stored = Number(after?.n ?? 0) - Number(before?.n ?? 0);
    if (stored !== o.spans) throw new Error(`expected ${o.spans} spans stored, found ${stored}`);
    const seconds = (done - started) / 1000;
    return { spansPerSec: o.spans / seconds, ackSpansPerSec: o.spans / ((acked - started) / 1000), spans: o.spans, requests, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    if (o.store === undefined) await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const spans = Number(process.env.BENCH_SPANS ?? 100_000);
  const batchSize = Number(process.env.BENCH_BATCH ?? 1000);
  const distinctSpans = process.env.BENCH_DISTINCT_SPANS === undefined ? undefined : Number(process.env.BENCH_DISTINCT_SPANS);
  const r = await benchIngest({ spans, batchSize, distinctSpans });
  console.log(
    `collector ingest: ${Math.round(r.spansPerSec)} spans/s stored (${Math.round(r.ackSpansPerSec)} spans/s acknowledged), ` +
      `${r.spans} GenAI spans in ${r.requests} requests of ${batchSize}, ${r.seconds.toFixed(2)} s (${r.cpuSeconds.toFixed(2)} CPU s)`,
  );
}
