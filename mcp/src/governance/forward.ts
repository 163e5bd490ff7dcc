import { ErrorCode, McpError, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { z } from 'zod';
import { McpGatewayError, RpcError, stripMcpPrefix } from '../errors.js';
import type { FrontSession } from '../session/front-session.js';
import { failClientSpan, startClientSpan } from '../telemetry.js';
import { injectContext } from '../trace-context.js';
import type { UpstreamLink } from '../upstream/upstream-link.js';
import { LooseResultSchema } from '../wire-schemas.js';

/** The parts of the SDK handler `extra` a forwarded request needs. */
export interface HandlerExtra {
  signal: AbortSignal;
  requestId: RequestId;
  sendNotification: (notification: { method: 'notifications/progress'; params: Record<string, unknown> }) => Promise<void>;
}

export interface ForwardInput<S extends z.ZodType> {
  session: FrontSession;
  server: string;
  link: UpstreamLink;
  method: string;
  params: Record<string, unknown> | undefined;
  extra: HandlerExtra;
  timeoutMs: number;
  /** Upstream tool/prompt name, for the CLIENT span name. */
  target?: string;
  schema?: S;
}

/**
 * What an upstream failure becomes: the upstream's own JSON-RPC errors pass through; a lost
 * connection or a local timeout is the gateway's (never a client-fault code).
 */
export function mapUpstreamError(err: unknown, server: string): McpGatewayError | RpcError {
  if (err instanceof McpGatewayError || err instanceof RpcError) return err;
  if (err instanceof McpError) {
    if (err.code === ErrorCode.ConnectionClosed) return new McpGatewayError('MCP_UPSTREAM_UNAVAILABLE', `upstream ${server} closed the connection`, { cause: err });
    if (err.code === ErrorCode.RequestTimeout) return new McpGatewayError('MCP_UPSTREAM_TIMEOUT', `upstream ${server} did not answer in time`, { cause: err });
    return new RpcError(err.code, stripMcpPrefix(err.message), err.data);
  }
  return new McpGatewayError('MCP_UPSTREAM_UNAVAILABLE', `upstream ${server} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/**
 * Sends one agent request upstream under a CLIENT span: trace context injected into
 * `params._meta`, the agent's progress token re-keyed (the SDK substitutes its own) and
 * the agent's cancellation forwarded as `notifications/cancelled`.
 */
export async function forwardRequest<S extends z.ZodType = typeof LooseResultSchema>(p: ForwardInput<S>): Promise<z.infer<S>> {
  const deps = p.session.core.deps;
  await p.link.ready().catch((err: unknown) => { throw mapUpstreamError(err, p.server); });
  const where = p.link.transportInfo;
  const client = startClientSpan({
    tracer: deps.tracer,
    parent: p.session.trace(p.extra.requestId)?.ctx ?? ROOT_CONTEXT,
    method: p.method,
    target: p.target,
    server: p.server,
    networkTransport: where?.networkTransport ?? 'tcp',
    serverAddress: where?.serverAddress,
    serverPort: where?.serverPort,
  });
  const { progressToken, ...meta } = (p.params?._meta ?? {}) as Record<string, unknown>;
  const injected = injectContext(client.ctx, meta);
  const params = { ...(p.params ?? {}), ...(Object.keys(injected).length > 0 ? { _meta: injected } : {}) };
  if (Object.keys(injected).length === 0) delete params._meta;
  const token = progressToken as string | number | undefined;
  try {
    return await p.link.request({ method: p.method, params }, (p.schema ?? LooseResultSchema) as S, {
      signal: p.extra.signal,
      timeout: p.timeoutMs,
      ...(token === undefined ? {} : {
        onprogress: (progress) => { void p.extra.sendNotification({ method: 'notifications/progress', params: { ...progress, progressToken: token } }).catch(() => undefined); },
      }),
    });
  } catch (err) {
    const mapped = mapUpstreamError(err, p.server);
    failClientSpan(client.span, mapped instanceof RpcError ? String(mapped.code) : mapped.code, mapped.message);
    throw mapped;
  } finally {
    client.span.end();
  }
}
