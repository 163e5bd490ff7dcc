import { join } from 'node:path';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger, tempDir } from '../test/helpers.js';
import { createCollector, type Collector } from './app.js';
import { CollectorConfigSchema, StoreConfigSchema } from './config.js';
import { ATTR, SLUICE } from './model/semconv.js';
import { openStore } from './store/open-store.js';
import type { SpanStore } from './store/store.js';

let root: { dir: string; cleanup: () => Promise<void> };
let store: SpanStore;
let collector: Collector;
let url: string;

beforeAll(async () => {
  root = await tempDir('otel-sdk');
  store = openStore(StoreConfigSchema.parse({ path: join(root.dir, 'chdb') }), { env: {} });
  const config = CollectorConfigSchema.parse({ spool: { dir: join(root.dir, 'spool') }, batch: { flushMs: 50 } });
  collector = await createCollector({ config, store, logger: captureLogger() });
  ({ url } = await collector.listen(0, '127.0.0.1'));
});
afterAll(async () => {
  await collector.close();
  await store.close();
  await root.cleanup();
});

/** Runs an agent-like workload through the OTel JS SDK exporting with `exporter`. */
async function agentRun(serviceName: string, exporter: SpanExporter): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': '3.1.4', 'host.name': 'worker-7' }),
    spanProcessors: [new SimpleSpanProcessor(memory), new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('acme-agent', '0.9.0');
  const root = tracer.startSpan('invoke_agent planner', { kind: SpanKind.INTERNAL, attributes: { 'gen_ai.agent.name': 'planner' } });
  const ctx = trace.setSpan(context.active(), root);
  const llm = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
        [ATTR.GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
        [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 812,
        [ATTR.GEN_AI_REQUEST_TEMPERATURE]: 0.25,
        [ATTR.GEN_AI_REQUEST_STREAM]: false,
        [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
        'app.scores': [0.5, 1],
        'app.note': 'quotes " and <html> & ünïcode',
      },
      links: [{ context: root.spanContext(), attributes: { 'link.reason': 'retry-of' } }],
    },
    ctx,
  );
  llm.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt.size': 3 });
  llm.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 429' });
  llm.end();
  root.setStatus({ code: SpanStatusCode.OK });
  root.end();
  await provider.forceFlush();
  const finished = memory.getFinishedSpans(); // shutdown() empties the memory exporter
  await provider.shutdown();
  return finished;
}

interface StoredRow {
  ts: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  dur: string;
  StatusCode: string;
  StatusMessage: string;
  ev_ts: string[];
  ev_name: string[];
  ev_attr: Record<string, string>[];
  link_span: string[];
  link_attr: Record<string, string>[];
}

const KIND = ['Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS = ['Unset', 'Ok', 'Error'];
const ns = (t: [number, number]): string => (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();

async function expectLandedUnchanged(spans: ReadableSpan[], serviceName: string): Promise<void> {
  await collector.flush();
  const rows = await store.query<StoredRow>(
    `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ts, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName,
        ResourceAttributes, ScopeName, ScopeVersion, SpanAttributes, toString(Duration) AS dur, StatusCode, StatusMessage,
        arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS ev_ts, Events.Name AS ev_name, Events.Attributes AS ev_attr,
        Links.SpanId AS link_span, Links.Attributes AS link_attr
     FROM otel.otel_traces WHERE ServiceName = {svc:String} ORDER BY SpanName`,
    { svc: serviceName },
  );
  expect(rows).toHaveLength(spans.length);
  for (const s of spans) {
    const row = rows.find((r) => r.SpanId === s.spanContext().spanId);
    expect(row, s.name).toBeDefined();
    expect(row).toMatchObject({
      ts: ns(s.startTime),
      TraceId: s.spanContext().traceId,
      ParentSpanId: s.parentSpanContext?.spanId ?? '',
      SpanName: s.name,
      SpanKind: KIND[s.kind],
      ServiceName: serviceName,
      ScopeName: 'acme-agent',
      ScopeVersion: '0.9.0',
      dur: ns(s.duration),
      StatusCode: STATUS[s.status.code],
      StatusMessage: s.status.message ?? '',
      ev_name: s.events.map((e) => e.name),
      ev_ts: s.events.map((e) => ns(e.time)),
      link_span: s.links.map((l) => l.context.spanId),
    });
    expect(row?.ResourceAttributes).toMatchObject({ 'service.name': serviceName, 'service.version': '3.1.4', 'host.name': 'worker-7' });
    const want = Object.fromEntries(
      Object.entries(s.attributes).map(([k, v]) => [k, Array.isArray(v) ? JSON.stringify(v).replace(/</g, '\\u003c') : String(v)]),
    );
    expect(row?.SpanAttributes).toEqual(want);
  }
}

describe('the OpenTelemetry JS SDK as a third-party agent', () => {
  it('exports over OTLP/HTTP JSON and its spans land unchanged', async () => {
    const spans = await agentRun('agent-json', new OTLPJsonExporter({ url: `${url}/v1/traces` }));
    await expectLandedUnchanged(spans, 'agent-json');
  });

  it('exports over OTLP/HTTP protobuf (gzip) and its spans land unchanged', async () => {
    const spans = await agentRun('agent-proto', new OTLPProtoExporter({ url: `${url}/v1/traces`, compression: 'gzip' as never }));
    await expectLandedUnchanged(spans, 'agent-proto');
    const stored = await store.query<{ attrs: Record<string, string> }>(
      "SELECT SpanAttributes AS attrs FROM otel.otel_traces WHERE ServiceName = 'agent-proto' AND SpanName = 'chat gpt-4o-mini'",
    );
    expect(stored[0]?.attrs).toMatchObject({
      'gen_ai.usage.input_tokens': '812',
      'gen_ai.request.temperature': '0.25',
      'gen_ai.request.stream': 'false',
      'gen_ai.response.finish_reasons': '["stop"]',
      'app.scores': '[0.5,1]',
    });
    const lookup = await store.query<{ n: number }>('SELECT count() AS n FROM otel.otel_traces_trace_id_ts WHERE TraceId = {t:String}', {
      t: spans[0]?.spanContext().traceId,
    });
    expect(Number(lookup[0]?.n)).toBeGreaterThanOrEqual(1);
  });

  it('a gateway GenAI SERVER span lands in otel_traces, llm_calls and llm_usage_1m with the right values', async () => {
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'sluice-gateway' }),
      spanProcessors: [new SimpleSpanProcessor(memory), new BatchSpanProcessor(new OTLPProtoExporter({ url: `${url}/v1/traces` }))],
    });
    const span = provider.getTracer('sluice').startSpan('chat claude-sonnet-4', {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
        [ATTR.GEN_AI_PROVIDER_NAME]: 'anthropic',
        [ATTR.GEN_AI_REQUEST_MODEL]: 'claude-sonnet-4',
        [ATTR.GEN_AI_RESPONSE_MODEL]: 'claude-sonnet-4-20260101',
        [ATTR.GEN_AI_REQUEST_STREAM]: true,
        [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 1500,
        [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 320,
        [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 1024,
        [ATTR.GEN_AI_CONVERSATION_ID]: 'conv-42',
        [ATTR.ERROR_TYPE]: '',
        [SLUICE.REQUEST_ID]: 'req-1',
        [SLUICE.AGENT]: 'researcher',
        [SLUICE.TEAM]: 'search',
        [SLUICE.KEY_ID]: 'key_9',
        [SLUICE.ROUTE]: '/v1/messages',
        [SLUICE.API]: 'anthropic.messages',
        [SLUICE.TTFT_MS]: 210.5,
        [SLUICE.TPOT_MS]: 12.25,
        [SLUICE.TOKENS_ESTIMATED]: true,
        [SLUICE.COST_MICRO_USD]: 9300,
        [SLUICE.CACHE_HIT]: false,
        [SLUICE.GUARDRAIL_HITS]: 2,
        [SLUICE.ATTEMPTS]: 2,
        [SLUICE.SERVED_BY_BACKUP]: true,
        [SLUICE.STATUS_CODE]: 200,
        [SLUICE.RUN_ID]: 'run-7',
        [SLUICE.SCENARIO]: 'smoke',
      },
    });
    span.end();
    await provider.forceFlush();
    const sdkSpan = memory.getFinishedSpans()[0] as ReadableSpan;
    await provider.shutdown();
    await collector.flush();
    const [call] = await store.query<Record<string, unknown>>('SELECT * FROM otel.llm_calls WHERE SpanId = {id:String}', { id: sdkSpan.spanContext().spanId });
    expect(call).toMatchObject({
      TraceId: sdkSpan.spanContext().traceId,
      conversation_id: 'conv-42',
      request_id: 'req-1',
      agent: 'researcher',
      team: 'search',
      key_id: 'key_9',
      provider: 'anthropic',
      request_model: 'claude-sonnet-4',
      response_model: 'claude-sonnet-4-20260101',
      route: '/v1/messages',
      api: 'anthropic.messages',
      stream: 1,
      tokens_estimated: 1,
      ttft_ms: 210.5,
      tpot_ms: 12.25,
      status_code: 200,
      status: 'ok',
      cache_hit: 0,
      guardrail_hits: 2,
      attempts: 2,
      served_by_backup: 1,
      run_id: 'run-7',
      scenario: 'smoke',
      service_name: 'sluice-gateway',
    });
    expect([Number(call?.input_tokens), Number(call?.output_tokens), Number(call?.cached_tokens), Number(call?.cost_micro_usd)]).toEqual([1500, 320, 1024, 9300]);
    const durationMs = (sdkSpan.duration[0] * 1e9 + sdkSpan.duration[1]) / 1e6;
    expect(Number(call?.duration_ms)).toBeCloseTo(durationMs, 6);
    const [usage] = await store.query<Record<string, unknown>>(
      "SELECT sum(calls) AS calls, sum(input_tokens) AS i, sum(output_tokens) AS o, sum(cached_tokens) AS c, sum(cost_micro_usd) AS cost FROM otel.llm_usage_1m WHERE agent = 'researcher' AND team = 'search' AND key_id = 'key_9' AND provider = 'anthropic' AND request_model = 'claude-sonnet-4'",
    );
    expect([usage?.calls, usage?.i, usage?.o, usage?.c, usage?.cost].map(Number)).toEqual([1, 1500, 320, 1024, 9300]);
    // A CLIENT span (an agent's own LLM call) is not a gateway call.
    const [n] = await store.query<{ n: number }>("SELECT count() AS n FROM otel.llm_calls WHERE service_name IN ('agent-json', 'agent-proto')");
    expect(Number(n?.n)).toBe(0);
  });
});
