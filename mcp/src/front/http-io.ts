import type { IncomingMessage, ServerResponse } from 'node:http';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { McpGatewayError, jsonRpcErrorBody } from '../errors.js';

/** Answers with a JSON-RPC error body outside any session (and ends the response). */
export function sendRpcError(res: ServerResponse, status: number, code: number, message: string, opts: { id?: string | number | null; data?: unknown; headers?: Record<string, string> } = {}): void {
  if (res.headersSent) { res.end(); return; }
  res.writeHead(status, { 'content-type': 'application/json', ...opts.headers }).end(jsonRpcErrorBody(code, message, opts.id ?? null, opts.data));
}

export function sendGatewayError(res: ServerResponse, err: McpGatewayError, id: string | number | null = null): void {
  sendRpcError(res, err.httpStatus, err.rpcCode, err.message, { id, headers: err.headers, data: { code: err.code, ...err.data } });
}

/** Reads the request body, refusing (413) past `maxBytes` without buffering the excess. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new McpGatewayError('MCP_BODY_TOO_LARGE', `request body exceeds ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      req.resume();
      throw new McpGatewayError('MCP_BODY_TOO_LARGE', `request body exceeds ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && /^application\/json\s*(;|$)/i.test(value.trim());
}

/**
 * Turns a body (bytes, text or an already parsed value) into JSON-RPC message(s):
 * -32700 when it is not JSON, -32600 when it is not a JSON-RPC message or batch.
 */
export function parseJsonRpc(body: unknown): unknown {
  let value = body;
  if (Buffer.isBuffer(body) || typeof body === 'string') {
    try {
      value = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : body);
    } catch {
      throw new McpGatewayError('MCP_PARSE_ERROR', 'Parse error: invalid JSON');
    }
  }
  const messages = Array.isArray(value) ? value : [value];
  if (messages.length === 0 || !messages.every((m) => JSONRPCMessageSchema.safeParse(m).success)) {
    throw new McpGatewayError('MCP_INVALID_REQUEST', 'Invalid Request: not a JSON-RPC 2.0 message');
  }
  return value;
}

/** The id of the first request in a body (to answer it), if any. */
export function firstRequestId(value: unknown): string | number | null {
  const first = (Array.isArray(value) ? value[0] : value) as { id?: unknown } | undefined;
  return typeof first?.id === 'string' || typeof first?.id === 'number' ? first.id : null;
}

export function methodOf(value: unknown): string | undefined {
  const first = (Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value) as { method?: unknown } | undefined;
  return typeof first?.method === 'string' ? first.method : undefined;
}
