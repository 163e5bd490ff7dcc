import { context as otelContext, type Context, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { ATTR, OPERATION, SLUICE } from '../../collector/src/model/semconv.js';
import type { McpIdentity } from './deps.js';

/** The SERVER span of one agent request and the context its children hang from. */
export interface RequestTrace {
  span: Span;
  ctx: Context;
  method: string;
  startMs: number;
}

/** Span target per the MCP semconv: the tool or prompt name, else none. */
export function requestTarget(method: string, params: Record<string, unknown> | undefined): string | undefined {
  if ((method === 'tools/call' || method === 'prompts/get') && typeof params?.name === 'string') return params.name;
  return undefined;
}

export const spanName = (method: string, target: string | undefined): string => (target ? `${method} ${target}` : method);

/** JSON-RPC codes that mark a SERVER span as failed (semconv: -32603 and -32000..-32099). */
export const isServerFault = (code: number): boolean => code === -32603 || (code <= -32000 && code >= -32099);

export function identityAttributes(identity: McpIdentity): Record<string, string> {
  return {
    [SLUICE.AGENT]: identity.agent,
    [SLUICE.AUTH_METHOD]: identity.method,
    ...(identity.team ? { [SLUICE.TEAM]: identity.team } : {}),
    ...(identity.keyId ? { [SLUICE.KEY_ID]: identity.keyId } : {}),
    ...(identity.costCenter ? { [SLUICE.COST_CENTER]: identity.costCenter } : {}),
  };
}

export interface ServerSpanInput {
  tracer: Tracer;
  request: JSONRPCRequest;
  parent: Context;
  base: Record<string, string | number>;
  nowMs: number;
}

/** Starts the SERVER span of an agent request (`{mcp.method.name} {target}`). */
export function startServerSpan(p: ServerSpanInput): RequestTrace {
  const params = p.request.params as Record<string, unknown> | undefined;
  const target = requestTarget(p.request.method, params);
  const attributes: Record<string, string | number> = {
    ...p.base,
    [ATTR.MCP_METHOD_NAME]: p.request.method,
    [ATTR.JSONRPC_REQUEST_ID]: String(p.request.id),
  };
  if (p.request.method === 'tools/call' && target) {
    attributes[ATTR.GEN_AI_TOOL_NAME] = target;
    attributes[ATTR.GEN_AI_OPERATION_NAME] = OPERATION.EXECUTE_TOOL;
  }
  if (p.request.method === 'prompts/get' && target) attributes[ATTR.GEN_AI_PROMPT_NAME] = target;
  if (p.request.method.startsWith('resources/') && typeof params?.uri === 'string') attributes[ATTR.MCP_RESOURCE_URI] = params.uri;
  const span = p.tracer.startSpan(spanName(p.request.method, target), { kind: SpanKind.SERVER, attributes }, p.parent);
  return { span, ctx: trace.setSpan(p.parent, span), method: p.request.method, startMs: p.nowMs };
}

/** Ends a SERVER span from the response that goes back to the agent. */
export function endServerSpan(t: RequestTrace, message: JSONRPCMessage): void {
  if ('error' in message && message.error) {
    const code = message.error.code;
    t.span.setAttribute(ATTR.ERROR_TYPE, String(code));
    t.span.setAttribute(ATTR.RPC_RESPONSE_STATUS_CODE, String(code));
    if (isServerFault(code)) t.span.setStatus({ code: SpanStatusCode.ERROR, message: message.error.message });
  } else if ('result' in message && (message.result as { isError?: unknown }).isError === true) {
    t.span.setAttribute(ATTR.ERROR_TYPE, 'tool_error');
    t.span.setStatus({ code: SpanStatusCode.ERROR, message: 'tool returned an error' });
  }
  t.span.end();
}

export interface ClientSpanInput {
  tracer: Tracer;
  parent: Context;
  method: string;
  target?: string;
  server: string;
  networkTransport: 'pipe' | 'tcp';
  serverAddress?: string;
  serverPort?: number;
}

/** Starts the CLIENT span of one upstream call (upstream's own names). */
export function startClientSpan(p: ClientSpanInput): { span: Span; ctx: Context } {
  const attributes: Record<string, string | number> = {
    [ATTR.MCP_METHOD_NAME]: p.method,
    [SLUICE.MCP_SERVER]: p.server,
    [ATTR.NETWORK_TRANSPORT]: p.networkTransport,
  };
  if (p.target && p.method === 'tools/call') {
    attributes[ATTR.GEN_AI_TOOL_NAME] = p.target;
    attributes[ATTR.GEN_AI_OPERATION_NAME] = OPERATION.EXECUTE_TOOL;
  }
  if (p.target && p.method === 'prompts/get') attributes[ATTR.GEN_AI_PROMPT_NAME] = p.target;
  if (p.serverAddress) attributes[ATTR.SERVER_ADDRESS] = p.serverAddress;
  if (p.serverPort) attributes[ATTR.SERVER_PORT] = p.serverPort;
  const span = p.tracer.startSpan(spanName(p.method, p.target), { kind: SpanKind.CLIENT, attributes }, p.parent);
  return { span, ctx: trace.setSpan(p.parent, span) };
}

/** Records an upstream failure on a CLIENT span (every JSON-RPC error code is an error here). */
export function failClientSpan(span: Span, errorType: string, message: string): void {
  span.setAttribute(ATTR.ERROR_TYPE, errorType);
  if (/^-?\d+$/.test(errorType)) span.setAttribute(ATTR.RPC_RESPONSE_STATUS_CODE, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

export const rootContext = (): Context => otelContext.active();
