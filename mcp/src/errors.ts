import { McpError } from '@modelcontextprotocol/sdk/types.js';

/**
 * The MCP gateway's error catalogue: each stable code has the JSON-RPC code it crosses the
 * wire with and, for failures answered before JSON-RPC starts, an HTTP status. Tool-execution
 * failures (bad arguments, upstream timeout or crash) are not protocol errors: they become
 * `isError` tool results (MCP 2025-11-25, SEP-1303) carrying the code in `_meta`.
 */
export const MCP_ERROR_CATALOGUE = {
  MCP_PARSE_ERROR: { rpc: -32700, http: 400 },
  MCP_INVALID_REQUEST: { rpc: -32600, http: 400 },
  MCP_METHOD_NOT_FOUND: { rpc: -32601, http: 200 },
  MCP_INVALID_PARAMS: { rpc: -32602, http: 200 },
  MCP_SESSION_REQUIRED: { rpc: -32000, http: 400 },
  MCP_SESSION_NOT_FOUND: { rpc: -32001, http: 404 },
  MCP_HOST_NOT_ALLOWED: { rpc: -32000, http: 403 },
  MCP_ORIGIN_NOT_ALLOWED: { rpc: -32000, http: 403 },
  MCP_BODY_TOO_LARGE: { rpc: -32000, http: 413 },
  MCP_UNSUPPORTED_MEDIA_TYPE: { rpc: -32000, http: 415 },
  MCP_METHOD_NOT_ALLOWED: { rpc: -32000, http: 405 },
  MCP_TOO_MANY_SESSIONS: { rpc: -32000, http: 503 },
  MCP_UNKNOWN_SERVER: { rpc: -32000, http: 404 },
  MCP_AUTH_FAILED: { rpc: -32000, http: 401 },
  MCP_TOOL_NOT_FOUND: { rpc: -32602, http: 200 },
  MCP_TOOL_BLOCKED: { rpc: -32000, http: 200 },
  MCP_RATE_LIMITED: { rpc: -32000, http: 200 },
  MCP_GUARDRAIL_REJECTED: { rpc: -32000, http: 200 },
  MCP_ARGUMENTS_TOO_LARGE: { rpc: -32602, http: 200 },
  MCP_UPSTREAM_UNAVAILABLE: { rpc: -32000, http: 200 },
  MCP_UPSTREAM_TIMEOUT: { rpc: -32001, http: 200 },
  MCP_INTERNAL: { rpc: -32603, http: 500 },
  // Tool-execution results (isError), never thrown across the wire:
  MCP_ARGUMENTS_INVALID: { rpc: 0, http: 200 },
  MCP_UPSTREAM_FAILED: { rpc: 0, http: 200 },
  MCP_RESULT_TOO_LARGE: { rpc: 0, http: 200 },
  MCP_RESULT_REJECTED: { rpc: 0, http: 200 },
  MCP_CANCELLED: { rpc: 0, http: 200 },
} as const satisfies Record<string, { rpc: number; http: number }>;

export type McpErrorCode = keyof typeof MCP_ERROR_CATALOGUE;

/** Where tool-error results carry the stable code. */
export const ERROR_META_KEY = 'io.sluice/error';

/** The one exception type of the MCP gateway. */
export class McpGatewayError extends Error {
  readonly code: McpErrorCode;
  readonly rpcCode: number;
  readonly httpStatus: number;
  /** Extra `error.data` fields for the client (never secrets or policy internals). */
  readonly data: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(code: McpErrorCode, message: string, opts: { cause?: unknown; data?: Record<string, unknown>; httpStatus?: number; headers?: Record<string, string> } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'McpGatewayError';
    this.code = code;
    this.rpcCode = MCP_ERROR_CATALOGUE[code].rpc;
    this.httpStatus = opts.httpStatus ?? MCP_ERROR_CATALOGUE[code].http;
    this.data = opts.data ?? {};
    this.headers = opts.headers ?? {};
  }
}

/**
 * What the SDK's Protocol turns into a JSON-RPC error: a numeric `code`, the bare message
 * (an SDK `McpError` would prefix "MCP error N:" twice on the client) and `data`.
 */
export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
    this.name = 'RpcError';
  }
}

/** Converts anything thrown in a handler into what goes on the wire. */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  if (err instanceof McpGatewayError) return new RpcError(err.rpcCode, err.message, { code: err.code, ...err.data });
  if (err instanceof McpError) return new RpcError(err.code, stripMcpPrefix(err.message), err.data);
  return new RpcError(-32603, 'Internal error');
}

/** The SDK's McpError message is `MCP error <code>: <message>`; keep only the message. */
export function stripMcpPrefix(message: string): string {
  return message.replace(/^(MCP error -?\d+: )+/, '');
}

/** A JSON-RPC error body for answers given before (or outside) a session. */
export function jsonRpcErrorBody(code: number, message: string, id: string | number | null = null, data?: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', error: { code, message, ...(data === undefined ? {} : { data }) }, id });
}
