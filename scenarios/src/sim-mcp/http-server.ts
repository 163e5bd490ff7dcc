import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { SimMcpOptionsInput } from './options.js';
import { createSimMcpServer } from './sim-server.js';
import { SimMcpState, type SimMcpStats } from './sim-state.js';

export interface SimMcpHttpServer {
  /** Streamable HTTP endpoint, e.g. http://127.0.0.1:40123/mcp */
  url: string;
  stats: SimMcpStats;
  state: SimMcpState;
  /** Simulates a tool-definition change ("rug pull"): live sessions get `tools/list_changed`. */
  setToolDescription(tool: string, description: string): void;
  close(): Promise<void>;
}

export interface StartSimMcpOptions extends SimMcpOptionsInput {
  port?: number;
  host?: string;
  /** Answer POSTs with JSON instead of an SSE stream (lower overhead for load tests). */
  jsonResponse?: boolean;
  now?: () => number;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

function jsonError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Starts the simulated MCP server over Streamable HTTP (stateful sessions) on loopback.
 * During an outage window every request gets 503, like a real server that is down.
 */
export async function startSimMcpServer(opts: StartSimMcpOptions = {}): Promise<SimMcpHttpServer> {
  const { port = 0, host = '127.0.0.1', jsonResponse = false, now, ...simOptions } = opts;
  const state = new SimMcpState(simOptions, now);
  const sessions = new Map<string, StreamableHTTPServerTransport>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/mcp') return jsonError(res, 404, -32000, 'Not found');
    if (state.inOutage()) {
      state.stats.outageRejections += 1;
      return jsonError(res, 503, -32000, 'simulated outage');
    }
    const sid = req.headers['mcp-session-id'];
    const body = req.method === 'POST' ? await readJson(req).catch(() => undefined) : undefined;
    if (req.method === 'POST' && body === undefined) return jsonError(res, 400, -32700, 'Parse error');
    const existing = typeof sid === 'string' ? sessions.get(sid) : undefined;
    if (existing) return existing.handleRequest(req, res, body);
    if (typeof sid === 'string') return jsonError(res, 404, -32001, 'Session not found');
    if (req.method !== 'POST' || !isInitializeRequest(body)) return jsonError(res, 400, -32000, 'Bad Request: missing session id');
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      enableJsonResponse: jsonResponse,
      onsessioninitialized: (id) => void sessions.set(id, transport),
      onsessionclosed: (id) => void sessions.delete(id),
    });
    transport.onclose = () => { if (transport.sessionId) sessions.delete(transport.sessionId); };
    await createSimMcpServer(state).connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) jsonError(res, 500, -32603, err instanceof Error ? err.message : 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(port, host, resolve));
  const address = http.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/mcp`,
    stats: state.stats,
    state,
    setToolDescription: (tool, description) => state.setToolDescription(tool, description),
    async close() {
      await Promise.all([...sessions.values()].map((t) => t.close().catch(() => undefined)));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
