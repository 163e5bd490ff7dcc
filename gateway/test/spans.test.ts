import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { ATTR, SLUICE } from '../../collector/src/model/semconv.js';
import { type Harness, eventually, inMemoryTelemetry, startHarness } from './harness.js';

const telemetry = inMemoryTelemetry();
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ gateway: { telemetry } });
});
afterAll(async () => {
  await h.close();
});

describe('spans of an LLM call', () => {
  it('a SERVER span per request with a CLIENT child per attempt, usage and timing', async () => {
    telemetry.exporter.reset();
    const stream = await h.client.chat.completions.create(
      { model: 'sim-fast', messages: [{ role: 'user', content: 'trace me' }], stream: true, max_tokens: 50 },
      { headers: { 'x-sluice-conversation-id': 'run-42', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } },
    );
    for await (const _ of stream) void _;
    const spans = await eventually(() => telemetry.spans(), (s) => s.length >= 2);
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    const client = spans.find((s) => s.kind === SpanKind.CLIENT);
    expect(server?.name).toBe('chat sim-fast');
    expect(client?.name).toBe('chat sim-fast');
    expect(server?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(client?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    const a = server?.attributes ?? {};
    expect(a[ATTR.GEN_AI_OPERATION_NAME]).toBe('chat');
    expect(a[ATTR.GEN_AI_REQUEST_MODEL]).toBe('sim-fast');
    expect(a[ATTR.GEN_AI_REQUEST_STREAM]).toBe(true);
    expect(a[ATTR.GEN_AI_REQUEST_MAX_TOKENS]).toBe(50);
    expect(a[ATTR.GEN_AI_CONVERSATION_ID]).toBe('run-42');
    expect(a[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]).toBeGreaterThan(0);
    expect(a[SLUICE.TOKENS_ESTIMATED]).toBe(false);
    expect(typeof a[SLUICE.TTFT_MS]).toBe('number');
    expect(a[ATTR.HTTP_RESPONSE_STATUS_CODE]).toBe(200);
    // The upstream saw the attempt span as its parent.
    const upstream = h.sim.recentRequests(1)[0];
    expect(String(upstream.headers.traceparent)).toContain(client?.spanContext().spanId);
  });

  it('a stream without upstream usage is counted and marked estimated', async () => {
    telemetry.exporter.reset();
    const stream = await h.client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'no usage please' }], stream: true }, { headers: { 'x-sim-fault': 'missing-usage' } });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    const server = (await eventually(() => telemetry.spans(), (s) => s.some((x) => x.kind === SpanKind.SERVER))).find((s) => s.kind === SpanKind.SERVER);
    expect(text.length).toBeGreaterThan(0);
    expect(server?.attributes[SLUICE.TOKENS_ESTIMATED]).toBe(true);
    expect(server?.attributes[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]).toBeGreaterThan(0);
    expect(server?.attributes[ATTR.GEN_AI_USAGE_INPUT_TOKENS]).toBeGreaterThan(0);
  });

  it('an error call is a span with error.type and status', async () => {
    telemetry.exporter.reset();
    await h.client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-sim-fault': 'status=500' } }).catch(() => {});
    const server = (await eventually(() => telemetry.spans(), (s) => s.some((x) => x.kind === SpanKind.SERVER))).find((s) => s.kind === SpanKind.SERVER);
    expect(server?.attributes[ATTR.ERROR_TYPE]).toBe('upstream_500');
    expect(server?.attributes[ATTR.HTTP_RESPONSE_STATUS_CODE]).toBe(502);
    expect(server?.status.code).toBe(2);
  });

  it('a call refused before it was routed has no attributes for what never happened', async () => {
    telemetry.exporter.reset();
    // max_tokens of the wrong type: refused (400) after the body was read, before routing.
    await h.client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'x' }], max_tokens: 'ten' as unknown as number }).catch(() => {});
    const server = (await eventually(() => telemetry.spans(), (s) => s.some((x) => x.kind === SpanKind.SERVER))).find((s) => s.kind === SpanKind.SERVER);
    expect(server?.attributes[ATTR.HTTP_RESPONSE_STATUS_CODE]).toBe(400);
    expect(server?.attributes[SLUICE.REQUEST_ID]).toBeTruthy();
    for (const never of [SLUICE.ATTEMPTS, SLUICE.ROUTING_STRATEGY, SLUICE.FAILOVER_PATH, SLUICE.SERVED_BY_BACKUP, SLUICE.COST_MICRO_USD, ATTR.GEN_AI_REQUEST_MAX_TOKENS]) {
      expect(Object.keys(server?.attributes ?? {}), never).not.toContain(never);
    }
  });
});
