import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { BodyOverflow, readBounded } from '../../../collector/src/http/read-bounded.js';
import { McpGatewayError, jsonRpcErrorBody } from '../errors.js';
import { parseMessage } from '../jsonrpc-kind.js';

/** Answers with a JSON-RPC error body outside any session (and ends the response). */
export function sendRpcError(res: ServerResponse, status: number, code: number, message: string, opts: { id?: string | number | null; data?: unknown; headers?: Record<string, string> } = {}): void {
  if (res.headersSent) { res.end(); return; }
  res.writeHead(status, { 'content-type': 'application/json', ...opts.headers }).end(jsonRpcErrorBody(code, message, opts.id ?? null, opts.data));
}

export function sendGatewayError(res: ServerResponse, err: McpGatewayError, id: string | number | null = null): void {
  sendRpcError(res, err.httpStatus, err.rpcCode, err.message, { id, headers: err.headers, data: { code: err.code, ...err.data } });
}

/**
 * What leaving a `for await` loop over a server request mid-way does (Node's stream
 * `destroyer`): the request is destroyed with an AbortError, detached from its socket first
 * so the answer can still be sent on it.
 */
function abandon(req: IncomingMessage): void {
  (req as { socket: unknown }).socket = null;
  req.destroy(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
}

/** Reads the request body, refusing (413) past `maxBytes` without buffering the excess. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new McpGatewayError('MCP_BODY_TOO_LARGE', `request body exceeds ${maxBytes} bytes`);
  try {
    return await readBounded(req, maxBytes, () => {
      req.resume();
      abandon(req);
    });
  } catch (err) {
    if (err instanceof BodyOverflow) throw new McpGatewayError('MCP_BODY_TOO_LARGE', `request body exceeds ${maxBytes} bytes`);
    throw err;
  }
}

export function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && /^application\/json\s*(;|$)/i.test(value.trim());
}

/** Bodies `parseJsonRpc` produced: their messages are the schema's output already. */
const validated = new WeakSet<object>();

/**
 * Turns a body (bytes, text or an already parsed value) into JSON-RPC message(s):
 * -32700 when it is not JSON, -32600 when it is not a JSON-RPC message or batch. Returns
 * what `JSONRPCMessageSchema` makes of it (what the SDK's transports deliver).
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
  const parsed: JSONRPCMessage[] = [];
  for (const m of messages) {
    const message = parseMessage(m);
    if (message === undefined) break;
    parsed.push(message);
  }
  if (parsed.length === 0 || parsed.length !== messages.length) {
    throw new McpGatewayError('MCP_INVALID_REQUEST', 'Invalid Request: not a JSON-RPC 2.0 message');
  }
  const out = Array.isArray(value) ? parsed : (parsed[0] as JSONRPCMessage);
  validated.add(out);
  return out;
}

/** True for a `parseJsonRpc` result (no need to validate its messages again). */
export function isValidatedJsonRpc(body: unknown): body is JSONRPCMessage | JSONRPCMessage[] {
  return typeof body === 'object' && body !== null && validated.has(body);
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
