import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, eventually, simConfig, startHarness, storeSections } from './harness.js';

// End to end: the openai SDK → gateway → OTLP/HTTP → in-process collector → chDB.
const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-store-'));
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    config: (url) => ({
      ...simConfig(url),
      ...storeSections(dir),
    }),
    gateway: { collectorPort: 0 },
  });
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

interface LlmRow {
  TraceId: string;
  request_model: string;
  provider: string;
  stream: number;
  input_tokens: string;
  output_tokens: string;
  ttft_ms: number;
  status: string;
  status_code: number;
  error_type: string;
  conversation_id: string;
  request_id: string;
}

async function rowsFor(requestId: string): Promise<LlmRow[]> {
  return eventually(
    () => h.gw.store!.query<LlmRow>(`SELECT * FROM llm_calls WHERE request_id = {rid:String}`, { rid: requestId }),
    (rows) => rows.length > 0,
    10_000,
  );
}

describe('every call lands in ClickHouse', () => {
  it('a streaming call: span in otel_traces and a row in llm_calls with model, tokens, TTFT and status', async () => {
    const { data: stream, response } = await h.client.chat.completions
      .create({ model: 'sim-fast', messages: [{ role: 'user', content: 'store me' }], stream: true, stream_options: { include_usage: true } }, { headers: { 'x-sluice-conversation-id': 'conv-e2e' } })
      .withResponse();
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const c of stream) if (c.usage) usage = c.usage;
    const rid = response.headers.get('x-request-id') ?? '';
    const [row] = await rowsFor(rid);
    expect(row.request_model).toBe('sim-fast');
    expect(row.provider).toBe('sim'); // the configured provider's name
    expect(row.stream).toBe(1);
    expect(Number(row.input_tokens)).toBe(usage?.prompt_tokens);
    expect(Number(row.output_tokens)).toBe(usage?.completion_tokens);
    expect(row.ttft_ms).toBeGreaterThan(0);
    expect(row.status_code).toBe(200);
    expect(row.conversation_id).toBe('conv-e2e');
    const spans = await h.gw.store!.query<{ SpanKind: string; SpanName: string }>(`SELECT SpanKind, SpanName FROM otel_traces WHERE TraceId = {t:String} ORDER BY SpanKind`, { t: row.TraceId });
    expect(spans).toEqual(expect.arrayContaining([{ SpanKind: 'Server', SpanName: 'chat sim-fast' }, { SpanKind: 'Client', SpanName: 'chat sim-fast' }]));
  });

  it('an error call is stored with its status and error type', async () => {
    const err = (await h.client.chat.completions
      .create({ model: 'sim-fast', messages: [{ role: 'user', content: 'fail' }] }, { headers: { 'x-sim-fault': 'status=503', 'x-request-id': 'rid-error-1' } })
      .catch((e: unknown) => e)) as { status: number };
    expect(err.status).toBe(502);
    const [row] = await rowsFor('rid-error-1');
    expect(row.status).toBe('error');
    expect(row.status_code).toBe(502);
    expect(row.error_type).toBe('upstream_503');
  });

  it("a client's traceparent makes the gateway's spans part of the client's trace", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await h.client.chat.completions.create(
      { model: 'sim-fast', messages: [{ role: 'user', content: 'join my trace' }] },
      { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'rid-trace-1' } },
    );
    const [row] = await rowsFor('rid-trace-1');
    expect(row.TraceId).toBe(traceId);
    const parents = await h.gw.store!.query<{ ParentSpanId: string }>(`SELECT ParentSpanId FROM otel_traces WHERE TraceId = {t:String} AND SpanKind = 'Server'`, { t: traceId });
    expect(parents[0].ParentSpanId).toBe('00f067aa0ba902b7');
  });
});
