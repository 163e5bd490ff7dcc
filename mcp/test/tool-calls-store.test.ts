import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Tracer } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, simConfig, startHarness, storeSections, type Harness } from '../../gateway/test/harness.js';
import { McpSectionSchema } from '../src/config.js';
import { createMcpGateway, type McpGateway } from '../src/gateway.js';

// End to end: MCP SDK client → gateway (/mcp) → OTLP/HTTP → in-process collector → chDB tool_calls.
const dir = mkdtempSync(join(tmpdir(), 'sluice-mcp-store-'));

interface ToolCallRow {
  agent: string;
  server: string;
  tool: string;
  method: string;
  session_id: string;
  status: string;
  error_type: string;
  cost_micro_usd: string;
  guardrail_hits: number;
  conversation_id: string;
  duration_ms: number;
}

describe('every MCP tool call is a row in tool_calls', () => {
  let h: Harness;
  let mcp: McpGateway;
  beforeAll(async () => {
    // The gateway builds its tracer at start; the MCP gateway uses it through this indirection.
    const ref: { tracer?: Tracer } = {};
    const tracer = { startSpan: (...args: Parameters<Tracer['startSpan']>) => (ref.tracer as Tracer).startSpan(...args), startActiveSpan: () => { throw new Error('unused'); } } as unknown as Tracer;
    mcp = createMcpGateway({
      config: () => ({ mcp: McpSectionSchema.parse({ upstreams: [{ name: 'sim', kind: 'sim' }] }) }),
      deps: { tracer, chargeToolCall: () => ({ costMicroUsd: 250 }) },
    });
    h = await startHarness({
      config: (url) => ({
        ...simConfig(url),
        ...storeSections(dir),
      }),
      gateway: { collectorPort: 0, features: { mcp } },
    });
    ref.tracer = h.gw.telemetry.tracer;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await mcp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores ok and failed calls with agent, server, tool, session, cost and status', async () => {
    const agent = new Client({ name: 'store-agent', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${h.gw.url}/mcp`), { requestInit: { headers: { 'x-sluice-conversation-id': 'conv-mcp-1' } } });
    await agent.connect(transport);
    await agent.callTool({ name: 'sim__calculate', arguments: { a: 1, b: 2, op: 'add' } });
    await agent.callTool({ name: 'sim__calculate', arguments: { a: 1, b: 0, op: 'divide' } });
    await agent.close();
    const rows = await eventually(
      () => h.gw.store!.query<ToolCallRow>(`SELECT * FROM tool_calls WHERE conversation_id = {c:String} ORDER BY Timestamp`, { c: 'conv-mcp-1' }),
      (r) => r.length >= 2,
      15_000,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ agent: 'anonymous', server: 'sim', tool: 'sim__calculate', method: 'tools/call', session_id: transport.sessionId, status: 'ok', error_type: '' });
    expect(Number(rows[0]?.cost_micro_usd)).toBe(250);
    expect(rows[1]).toMatchObject({ tool: 'sim__calculate', status: 'error', error_type: 'tool_error' });
  }, 30_000);
});
