import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './helpers.js';

const ACCEPT = 'application/json, text/event-stream';
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

/** The JSON-RPC message(s) of a response, JSON or SSE. */
async function messages(res: Response): Promise<Array<{ id?: unknown; error?: { code: number; message: string; data?: { code?: string } }; result?: unknown }>> {
  const text = await res.text();
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    return text.split('\n').filter((l) => l.startsWith('data: ') && l.length > 7).map((l) => JSON.parse(l.slice(6)));
  }
  const parsed = JSON.parse(text);
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** fetch cannot set Host; node:http can. Resolves the status code. */
function statusWithHost(url: string, host: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { host, 'content-type': 'application/json', accept: ACCEPT } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('protocol edges of the Streamable HTTP front', () => {
  let gw: TestGateway;
  let session = '';
  const post = (body: unknown, headers: Record<string, string> = {}, path = '/mcp') =>
    fetch(gw.url(path), { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const inSession = (body: unknown) => post(body, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });

  beforeAll(async () => {
    gw = await startGateway({ upstreams: [{ name: 'sim', kind: 'sim' }], limits: { maxBodyBytes: 4_096 } });
    const init = await post(INIT);
    session = init.headers.get('mcp-session-id') ?? '';
    await init.text();
    await (await inSession({ jsonrpc: '2.0', method: 'notifications/initialized' })).text();
  });
  afterAll(async () => gw?.close());

  it('answers malformed JSON-RPC with the spec\'s codes', async () => {
    let res = await post('{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(res.status).toBe(400);
    expect((await messages(res))[0]?.error?.code).toBe(-32700);
    res = await post({ hello: 'world' });
    expect(res.status).toBe(400);
    expect((await messages(res))[0]?.error?.code).toBe(-32600);
    res = await inSession({ jsonrpc: '2.0', id: 2, method: 'no/such/method', params: {} });
    expect((await messages(res))[0]).toMatchObject({ id: 2, error: { code: -32601 } });
    res = await inSession({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { arguments: {} } });
    expect((await messages(res))[0]).toMatchObject({ id: 3, error: { code: -32602 } });
    res = await inSession({ jsonrpc: '2.0', id: 4, method: 'resources/read', params: { uri: 7 } });
    expect((await messages(res))[0]).toMatchObject({ id: 4, error: { code: -32602 } });
  });

  it('needs a session id (400) that it knows (404)', async () => {
    let res = await post({ jsonrpc: '2.0', id: 5, method: 'tools/list' });
    expect(res.status).toBe(400);
    expect((await messages(res))[0]?.error?.data?.code).toBe('MCP_SESSION_REQUIRED');
    res = await post({ jsonrpc: '2.0', id: 6, method: 'tools/list' }, { 'mcp-session-id': 'not-a-session' });
    expect(res.status).toBe(404);
    res = await fetch(gw.url(), { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(400);
  });

  it('answers the 2026-07-28 server/discover probe with a JSON-RPC error, and modern clients fall back', async () => {
    const res = await post({ jsonrpc: '2.0', id: 'probe-1', method: 'server/discover', params: {} });
    expect(res.status).toBe(200);
    expect((await messages(res))[0]).toMatchObject({ id: 'probe-1', error: { code: -32601 } });
    const modern = new ModernClient({ name: 'modern-agent', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await modern.connect(new ModernTransport(new URL(gw.url())));
    expect((await modern.listTools()).tools.map((t) => t.name)).toContain('sim__search');
    await modern.close();
  });

  it('refuses foreign Host and Origin headers (DNS rebinding) with 403', async () => {
    expect(await statusWithHost(gw.url(), 'evil.example', INIT)).toBe(403);
    expect(await statusWithHost(gw.url(), 'localhost:9999', INIT)).toBe(200);
    let res = await post(INIT, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    res = await post(INIT, { origin: 'http://localhost:3000' });
    expect(res.status).toBe(200);
    await res.text();
  });

  it('limits the body size (413) and the media type (415), and refuses other methods (405)', async () => {
    let res = await inSession({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'sim__search', arguments: { query: 'x'.repeat(5_000) } } });
    expect(res.status).toBe(413);
    res = await fetch(gw.url(), { method: 'POST', headers: { 'content-type': 'text/plain', accept: ACCEPT }, body: JSON.stringify(INIT) });
    expect(res.status).toBe(415);
    res = await fetch(gw.url(), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(405);
  });

  it('answers unknown MCP servers with 404 and leaves other paths to the host server', async () => {
    expect((await post(INIT, {}, '/mcp/servers/nope')).status).toBe(404);
    expect((await post(INIT, {}, '/mcp/virtual/nope')).status).toBe(404);
    const other = await fetch(gw.url('/v1/models'));
    expect(other.status).toBe(404);
    expect(await other.text()).toBe('not found');
  });
});
