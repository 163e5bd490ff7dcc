import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR, SLUICE } from '../../collector/src/model/semconv.js';
import { connectAgent, memoryTracer, startGateway, textOf, type TestGateway } from './helpers.js';

/** A stateless upstream whose `meta` tool echoes the `_meta` it received. */
async function startMetaEcho(): Promise<{ url: string; http: HttpServer }> {
  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const server = new McpServer({ name: 'meta-echo', version: '1.0.0' });
    server.registerTool('meta', { description: 'Echoes the request _meta' }, async (extra) => ({ content: [{ type: 'text', text: JSON.stringify(extra._meta ?? {}) }] }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    await transport.handleRequest(req, res, chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`, http };
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

describe('MCP spans', () => {
  const traces = memoryTracer();
  let gw: TestGateway;
  let agent: Client;
  let echo: Awaited<ReturnType<typeof startMetaEcho>>;
  beforeAll(async () => {
    echo = await startMetaEcho();
    gw = await startGateway(
      { upstreams: [{ name: 'sim', kind: 'sim' }, { name: 'echo', kind: 'streamable-http', url: echo.url }] },
      {
        tracer: traces.tracer,
        authenticate: async () => ({ method: 'virtual-key', agent: 'support-bot', team: 'support', keyId: 'key-7' }),
        chargeToolCall: () => ({ costMicroUsd: 1_500 }),
        guardToolResult: (value) => ({ value, hits: [{ rule: 'pii.email', action: 'mask' }] }),
      },
    );
    agent = await connectAgent(gw.url());
  });
  afterAll(async () => {
    await agent?.close();
    await gw?.close();
    echo?.http.closeAllConnections();
    echo?.http.close();
  });

  it('emits a SERVER span per request, named and attributed per the MCP semconv', async () => {
    traces.reset();
    await agent.callTool({ name: 'sim__calculate', arguments: { a: 1, b: 2, op: 'add' } });
    const server = traces.spans().find((s) => s.name === 'tools/call sim__calculate');
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.attributes).toMatchObject({
      [ATTR.MCP_METHOD_NAME]: 'tools/call',
      [ATTR.GEN_AI_TOOL_NAME]: 'sim__calculate',
      [ATTR.GEN_AI_OPERATION_NAME]: 'execute_tool',
      [ATTR.MCP_SESSION_ID]: (agent.transport as { sessionId?: string }).sessionId,
      [ATTR.MCP_PROTOCOL_VERSION]: '2025-11-25',
      [ATTR.JSONRPC_REQUEST_ID]: expect.any(String),
      [ATTR.NETWORK_TRANSPORT]: 'tcp',
      [ATTR.NETWORK_PROTOCOL_NAME]: 'http',
      [SLUICE.AGENT]: 'support-bot',
      [SLUICE.TEAM]: 'support',
      [SLUICE.KEY_ID]: 'key-7',
      [SLUICE.MCP_SERVER]: 'sim',
      [SLUICE.COST_MICRO_USD]: 1_500,
      [SLUICE.GUARDRAIL_HITS]: 1,
      [SLUICE.AUTHZ_DECISION]: 'allow',
      [SLUICE.TOOL_FINGERPRINT]: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(server?.attributes[ATTR.ERROR_TYPE]).toBeUndefined();
    const client = traces.spans().find((s) => s.name === 'tools/call calculate');
    expect(client?.kind).toBe(SpanKind.CLIENT);
    expect(client?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(client?.spanContext().traceId).toBe(server?.spanContext().traceId);
    expect(client?.attributes).toMatchObject({ [ATTR.GEN_AI_TOOL_NAME]: 'calculate', [SLUICE.MCP_SERVER]: 'sim', [ATTR.NETWORK_TRANSPORT]: 'pipe' });
  });

  it('continues the agent\'s trace from params._meta and passes it on upstream', async () => {
    traces.reset();
    const r = await agent.callTool({ name: 'echo__meta', arguments: {}, _meta: { traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` } });
    const server = traces.spans().find((s) => s.name === 'tools/call echo__meta');
    const client = traces.spans().find((s) => s.name === 'tools/call meta');
    expect(server?.spanContext().traceId).toBe(TRACE_ID);
    expect(server?.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    const upstreamMeta = JSON.parse(textOf(r)) as { traceparent?: string };
    expect(upstreamMeta.traceparent).toBe(`00-${TRACE_ID}-${client?.spanContext().spanId}-01`);
    expect(client?.attributes).toMatchObject({ [ATTR.SERVER_ADDRESS]: '127.0.0.1', [ATTR.NETWORK_TRANSPORT]: 'tcp' });
  });

  it('marks failures: tool errors, JSON-RPC errors, and spans for every method', async () => {
    traces.reset();
    await agent.callTool({ name: 'sim__calculate', arguments: { a: 1, b: 0, op: 'divide' } });
    await agent.callTool({ name: 'sim__nope', arguments: {} }).catch(() => undefined);
    await agent.listTools();
    const spans = traces.spans();
    const toolError = spans.find((s) => s.name === 'tools/call sim__calculate');
    expect(toolError?.attributes[ATTR.ERROR_TYPE]).toBe('tool_error');
    expect(toolError?.status.code).toBe(SpanStatusCode.ERROR);
    const unknown = spans.find((s) => s.name === 'tools/call sim__nope');
    expect(unknown?.attributes).toMatchObject({ [ATTR.ERROR_TYPE]: '-32602', [ATTR.RPC_RESPONSE_STATUS_CODE]: '-32602', [SLUICE.ERROR_CODE]: 'MCP_TOOL_NOT_FOUND' });
    // -32602 is the caller's fault: not a server error per the semconv.
    expect(unknown?.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(spans.find((s) => s.name === 'tools/list')?.attributes[ATTR.GEN_AI_OPERATION_NAME]).toBeUndefined();
  });
});
