import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Endpoint } from '../endpoint.js';
import { McpGatewayError } from '../errors.js';
import { openSession, sameCaller } from '../session/open-session.js';
import { identify, type FrontContext } from './admission.js';
import { BoundedEventStore } from './event-store.js';
import { firstRequestId, isJsonContentType, methodOf, parseJsonRpc, readBody, sendRpcError } from './http-io.js';
import { StreamableHttpTransport } from './streamable-http-transport.js';

/** The probe 2026-07-28 clients send first; an error makes them fall back to initialize. */
const DISCOVER = 'server/discover';

async function bodyOf(ctx: FrontContext, req: IncomingMessage, given: unknown): Promise<unknown> {
  if (!isJsonContentType(req.headers['content-type'])) {
    throw new McpGatewayError('MCP_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type: Content-Type must be application/json');
  }
  const max = ctx.root().mcp.limits.maxBodyBytes;
  const raw = given ?? (await readBody(req, max));
  if (Buffer.isBuffer(raw) && raw.length > max) throw new McpGatewayError('MCP_BODY_TOO_LARGE', `request body exceeds ${max} bytes`);
  return parseJsonRpc(raw);
}

/**
 * Streamable HTTP (MCP 2025-03-26+): POST/GET/DELETE on the endpoint path. A request without
 * a session id must be `initialize` (400 otherwise), an unknown id is 404, and the session
 * belongs to the caller who opened it. Resumable SSE via a bounded per-session event store.
 */
export async function handleStreamableHttp(ctx: FrontContext, req: IncomingMessage, res: ServerResponse, endpoint: Endpoint, resourcePath: string, given: unknown): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') {
    throw new McpGatewayError('MCP_METHOD_NOT_ALLOWED', 'Method not allowed', { headers: { allow: 'GET, POST, DELETE' } });
  }
  const identity = await identify(ctx, req, resourcePath);
  const sid = req.headers['mcp-session-id'];
  const body = method === 'POST' ? await bodyOf(ctx, req, given) : undefined;

  if (typeof sid === 'string' && sid !== '') {
    const session = ctx.registry.get(sid);
    const transport = session?.transport;
    if (!session || !(transport instanceof StreamableHttpTransport) || session.endpoint.name !== endpoint.name || session.endpoint.kind !== endpoint.kind || !sameCaller(session.identity, identity)) {
      throw new McpGatewayError('MCP_SESSION_NOT_FOUND', 'Session not found');
    }
    return transport.handleRequest(req, res, body);
  }

  if (method === 'POST' && methodOf(body) === DISCOVER) {
    // Answered as a JSON-RPC error (never a 5xx or a hang) so modern clients fall back.
    return sendRpcError(res, 200, -32601, `Method not found: ${DISCOVER}. This server speaks MCP up to 2025-11-25; use initialize.`, { id: firstRequestId(body) });
  }
  if (method !== 'POST' || !(Array.isArray(body) ? body.length === 1 && isInitializeRequest(body[0]) : isInitializeRequest(body))) {
    throw new McpGatewayError('MCP_SESSION_REQUIRED', 'Bad Request: Mcp-Session-Id header is required');
  }

  const id = randomUUID();
  const transport = new StreamableHttpTransport({
    sessionId: id,
    eventStore: new BoundedEventStore(ctx.root().mcp.limits.resumableEvents),
    retryIntervalMs: 1_000,
    onsessionclosed: (closed) => void ctx.registry.remove(closed),
  });
  try {
    await openSession({ core: ctx.core, registry: ctx.registry, id, endpoint, identity, kind: 'streamable-http', clientAddress: req.socket.remoteAddress, transport });
  } catch (err) {
    await transport.close().catch(() => undefined);
    if (err instanceof McpGatewayError && err.code === 'MCP_UPSTREAM_UNAVAILABLE') {
      return sendRpcError(res, 502, err.rpcCode, err.message, { id: firstRequestId(body), data: { code: err.code } });
    }
    throw err;
  }
  await transport.handleRequest(req, res, body);
}
