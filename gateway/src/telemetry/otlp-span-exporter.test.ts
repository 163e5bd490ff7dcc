import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TelemetrySectionSchema } from '../config/sections/telemetry.js';
import { otlpTracesProtocol } from './otlp-span-exporter.js';
import { createGatewayTelemetry } from './tracer-provider.js';

describe('otlpTracesProtocol', () => {
  it.each<[Record<string, string>, string]>([
    [{}, 'http/protobuf'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 'http/json'],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, 'http/json'],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 'http/protobuf'],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: ' ', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 'http/json'],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }, 'http/protobuf'],
  ])('%j → %s', (env, want) => {
    expect(otlpTracesProtocol(env)).toBe(want);
  });
});

// The gateway's span pipeline against a plain OTLP/HTTP receiver.
interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}
let sink: Server;
let url: string;
const received: Received[] = [];
beforeAll(async () => {
  sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/json' });
      res.end(req.headers['content-type'] === 'application/json' ? '{}' : '');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/v1/traces`;
});
afterAll(() => new Promise<void>((r) => sink.close(() => r())));
afterEach(() => {
  received.length = 0;
  vi.unstubAllEnvs();
});

async function exportOneSpan(env: Record<string, string>): Promise<Received> {
  const telemetry = createGatewayTelemetry(TelemetrySectionSchema.parse({ otlpEndpoint: url }), env, undefined);
  const span = telemetry.tracer.startSpan('chat sim-fast', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
  span.setAttributes({ 'gen_ai.request.model': 'sim-fast', 'sluice.route': '/v1/chat/completions', 'gen_ai.usage.input_tokens': 13 });
  span.end();
  await telemetry.forceFlush();
  await telemetry.shutdown();
  expect(received).toHaveLength(1);
  return received[0];
}

describe('span export', () => {
  it('sends OTLP/protobuf by default, with OTEL_EXPORTER_OTLP_TRACES_HEADERS', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'x-tenant=acme');
    const got = await exportOneSpan({});
    expect(got.headers['content-type']).toBe('application/x-protobuf');
    expect(got.headers['x-tenant']).toBe('acme');
    expect(got.body[0]).toBe(0x0a); // ExportTraceServiceRequest.resource_spans
    for (const s of ['chat sim-fast', 'gen_ai.request.model', 'sim-fast', '/v1/chat/completions', 'sluice-gateway']) expect(got.body.includes(s)).toBe(true);
  });

  it('sends OTLP/JSON with the stock exporter when OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json', async () => {
    const got = await exportOneSpan({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' });
    expect(got.headers['content-type']).toBe('application/json');
    const body = JSON.parse(got.body.toString()) as { resourceSpans: { scopeSpans: { spans: { name: string; attributes: { key: string }[] }[] }[] }[] };
    const span = body.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.name).toBe('chat sim-fast');
    expect(span.attributes.map((a) => a.key)).toEqual(['gen_ai.request.model', 'sluice.route', 'gen_ai.usage.input_tokens']);
  });
});
