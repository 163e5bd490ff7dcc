import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ATTR } from '../../collector/src/model/semconv.js';
import { inMemoryTelemetry, startHarness, type Harness } from '../../gateway/test/harness.js';
import { McpSectionSchema } from '../src/config.js';
import { createMcpGateway, type McpGateway } from '../src/gateway.js';
import { MCP_WS_SUBPROTOCOL, WebSocketTransport } from '../src/ws-transport.js';
import { textOf } from './helpers.js';

/** The MCP gateway mounted in the real Sluice gateway app (`features.mcp`), end to end. */
describe('MCP through the Sluice gateway', () => {
  const telemetry = inMemoryTelemetry();
  let mcp: McpGateway;
  let h: Harness;
  beforeAll(async () => {
    const section = McpSectionSchema.parse({ upstreams: [{ name: 'sim', kind: 'sim' }] });
    mcp = createMcpGateway({ config: () => ({ mcp: section }), deps: { tracer: telemetry.tracer } });
    h = await startHarness({ gateway: { telemetry, features: { mcp, readiness: [() => mcp.readiness()] } } });
  });
  afterAll(async () => {
    await h?.close();
    await mcp?.close();
  });

  it('serves /mcp next to the LLM API, with spans in the gateway\'s pipeline', async () => {
    const agent = new Client({ name: 'e2e-agent', version: '1.0.0' });
    await agent.connect(new StreamableHTTPClientTransport(new URL(`${h.gw.url}/mcp`)));
    expect((await agent.listTools()).tools.map((t) => t.name)).toContain('sim__calculate');
    const r = await agent.callTool({ name: 'sim__calculate', arguments: { a: 40, b: 2, op: 'add' } });
    expect(r.structuredContent).toEqual({ result: 42 });
    await agent.close();
    const span = telemetry.spans().find((s) => s.name === 'tools/call sim__calculate');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.attributes[ATTR.GEN_AI_OPERATION_NAME]).toBe('execute_tool');
    // The LLM side still works on the same server.
    const chat = await h.client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.choices[0]?.message).toBeDefined();
  });

  it('takes WebSocket upgrades on /mcp and reports upstream health on /readyz', async () => {
    const agent = new Client({ name: 'e2e-ws', version: '1.0.0' });
    await agent.connect(new WebSocketTransport(new WebSocket(`${h.gw.url.replace('http:', 'ws:')}/mcp/servers/sim`, MCP_WS_SUBPROTOCOL)));
    expect(textOf(await agent.callTool({ name: 'calculate', arguments: { a: 1, b: 1, op: 'add' } }))).toBe('2');
    await agent.close();
    const ready = await (await fetch(`${h.gw.url}/readyz`)).json() as { checks: Array<{ name: string; ok: boolean; detail?: string }> };
    expect(ready.checks.find((c) => c.name === 'mcp')).toMatchObject({ ok: true, detail: 'sim=up' });
  });
});
