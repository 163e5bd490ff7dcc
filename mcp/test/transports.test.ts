import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MCP_WS_SUBPROTOCOL, WebSocketTransport } from '../src/ws-transport.js';
import { EVERYTHING_JS, startGateway, startHttpChild, textOf, type TestGateway } from './helpers.js';

async function wsAgent(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'ws-agent', version: '1.0.0' });
  await client.connect(new WebSocketTransport(new WebSocket(url, MCP_WS_SUBPROTOCOL, { headers })));
  return client;
}

describe('upstream transports: Streamable HTTP, legacy SSE and WebSocket', () => {
  let httpChild: Awaited<ReturnType<typeof startHttpChild>>;
  let sseChild: Awaited<ReturnType<typeof startHttpChild>>;
  let inner: TestGateway;
  let gw: TestGateway;
  beforeAll(async () => {
    [httpChild, sseChild] = await Promise.all([startHttpChild(EVERYTHING_JS, ['streamableHttp']), startHttpChild(EVERYTHING_JS, ['sse'])]);
    // A second gateway stands in for a WebSocket MCP server.
    inner = await startGateway({ upstreams: [{ name: 'sim', kind: 'sim' }] });
    gw = await startGateway({
      upstreams: [
        { name: 'http', kind: 'streamable-http', url: `http://127.0.0.1:${httpChild.port}/mcp` },
        { name: 'sse', kind: 'sse', url: `http://127.0.0.1:${sseChild.port}/sse` },
        { name: 'ws', kind: 'websocket', url: inner.url('/mcp').replace('http:', 'ws:') },
      ],
    });
  }, 30_000);
  afterAll(async () => {
    await gw?.close();
    await inner?.close();
    await Promise.all([httpChild?.stop(), sseChild?.stop()]);
  });

  it('federates server-everything over Streamable HTTP and legacy SSE, and a WebSocket server', async () => {
    const agent = new Client({ name: 'agent', version: '1.0.0' });
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    await agent.connect(new StreamableHTTPClientTransport(new URL(gw.url())));
    const names = (await agent.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['http__echo', 'sse__echo', 'ws__sim__calculate']));
    expect(textOf(await agent.callTool({ name: 'http__echo', arguments: { message: 'over http' } }))).toBe('Echo: over http');
    expect(textOf(await agent.callTool({ name: 'sse__echo', arguments: { message: 'over sse' } }))).toBe('Echo: over sse');
    expect((await agent.callTool({ name: 'ws__sim__calculate', arguments: { a: 20, b: 22, op: 'add' } })).structuredContent).toEqual({ result: 42 });
    await agent.close();
  });

  it('serves agents over legacy HTTP+SSE', async () => {
    const agent = new Client({ name: 'sse-agent', version: '1.0.0' });
    await agent.connect(new SSEClientTransport(new URL(gw.url('/mcp/sse'))));
    expect(textOf(await agent.callTool({ name: 'http__echo', arguments: { message: 'legacy' } }))).toBe('Echo: legacy');
    const viaServer = new Client({ name: 'sse-agent-2', version: '1.0.0' });
    await viaServer.connect(new SSEClientTransport(new URL(gw.url('/mcp/servers/http/sse'))));
    expect((await viaServer.listTools()).tools.map((t) => t.name)).toContain('echo');
    await agent.close();
    await viaServer.close();
  });

  it('serves agents over WebSocket (subprotocol mcp) and refuses other subprotocols', async () => {
    const agent = await wsAgent(gw.url('/mcp/servers/http').replace('http:', 'ws:'));
    expect(textOf(await agent.callTool({ name: 'echo', arguments: { message: 'ws' } }))).toBe('Echo: ws');
    await agent.close();
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(gw.url().replace('http:', 'ws:'), 'graphql-ws');
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(refused).toBe(400);
  });

  it('answers malformed WebSocket frames with JSON-RPC errors and keeps the connection', async () => {
    const ws = new WebSocket(gw.url().replace('http:', 'ws:'), MCP_WS_SUBPROTOCOL);
    const replies: Array<{ error?: { code: number } }> = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    ws.send('{not json');
    ws.send(JSON.stringify({ hello: 'world' }));
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }));
    for (let i = 0; i < 100 && replies.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(replies.map((r) => r.error?.code)).toEqual([-32700, -32600, undefined]);
    ws.close();
  });
});
