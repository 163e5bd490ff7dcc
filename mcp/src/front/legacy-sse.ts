import type { IncomingMessage, ServerResponse } from 'node:http';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import type { Endpoint } from '../endpoint.js';
import { McpGatewayError } from '../errors.js';
import { openSession, sameCaller } from '../session/open-session.js';
import { identify, type FrontContext } from './admission.js';
import { isJsonContentType, parseJsonRpc, readBody, sendGatewayError } from './http-io.js';

/**
 * The legacy HTTP+SSE transport (MCP 2024-11-05) for older clients: `GET <endpoint>/sse`
 * opens the stream and announces `<endpoint>/messages?sessionId=…`, where the client POSTs.
 */
export async function handleLegacySse(ctx: FrontContext, req: IncomingMessage, res: ServerResponse, endpoint: Endpoint, basePath: string, sub: 'sse' | 'messages', given: unknown): Promise<void> {
  const identity = await identify(ctx, req, basePath);
  if (sub === 'sse') {
    if (req.method !== 'GET') throw new McpGatewayError('MCP_METHOD_NOT_ALLOWED', 'Method not allowed', { headers: { allow: 'GET' } });
    const transport = new SSEServerTransport(`${basePath}/messages`, res);
    try {
      await openSession({ core: ctx.core, registry: ctx.registry, id: transport.sessionId, endpoint, identity, kind: 'sse', clientAddress: req.socket.remoteAddress, transport });
    } catch (err) {
      if (err instanceof McpGatewayError && err.code === 'MCP_UPSTREAM_UNAVAILABLE') return sendGatewayError(res, new McpGatewayError('MCP_UPSTREAM_UNAVAILABLE', err.message, { httpStatus: 502 }));
      throw err;
    }
    return;
  }
  if (req.method !== 'POST') throw new McpGatewayError('MCP_METHOD_NOT_ALLOWED', 'Method not allowed', { headers: { allow: 'POST' } });
  const sid = new URL(req.url ?? '/', 'http://localhost').searchParams.get('sessionId') ?? '';
  const session = ctx.registry.get(sid);
  const transport = session?.transport;
  if (!session || !(transport instanceof SSEServerTransport) || session.endpoint.name !== endpoint.name || !sameCaller(session.identity, identity)) {
    throw new McpGatewayError(sid === '' ? 'MCP_SESSION_REQUIRED' : 'MCP_SESSION_NOT_FOUND', sid === '' ? 'Bad Request: sessionId is required' : 'Session not found');
  }
  if (!isJsonContentType(req.headers['content-type'])) throw new McpGatewayError('MCP_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type: Content-Type must be application/json');
  const max = ctx.root().mcp.limits.maxBodyBytes;
  const body = parseJsonRpc(given ?? (await readBody(req, max)));
  await transport.handlePostMessage(req, res, body);
}
