import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, JSONRPCNotification, JSONRPCRequest, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import { ATTR, HEADER, SLUICE } from '../../../collector/src/model/semconv.js';
import type { McpCore } from '../core.js';
import type { McpIdentity } from '../deps.js';
import type { Endpoint } from '../endpoint.js';
import { isNotificationMessage, isRequestMessage, isResponseMessage } from '../jsonrpc-kind.js';
import { extractContext } from '../trace-context.js';
import { endServerSpan, identityAttributes, startServerSpan, type RequestTrace } from '../telemetry.js';
import type { UpstreamLink } from '../upstream/upstream-link.js';
import type { SessionBinding } from '../upstream/upstream-runtime.js';
import { LooseResultSchema, type UpstreamTool } from '../wire-schemas.js';

/** Correlation headers an agent may send (same as on the LLM side) → span attributes. */
function correlation(headers: Record<string, unknown> | undefined): Record<string, string> {
  if (!headers) return {};
  const out: Record<string, string> = {};
  const pick = (name: string, attr: string) => {
    const v = headers[name];
    if (typeof v === 'string' && v !== '') out[attr] = v.slice(0, 256);
  };
  pick(HEADER.CONVERSATION_ID, ATTR.GEN_AI_CONVERSATION_ID);
  pick(HEADER.RUN_ID, SLUICE.RUN_ID);
  pick(HEADER.SCENARIO, SLUICE.SCENARIO);
  pick(HEADER.REQUEST_ID, SLUICE.REQUEST_ID);
  return out;
}

export type FrontTransportKind = 'streamable-http' | 'sse' | 'websocket';

/** A tool as one session sees it: where it lives and its current definition. */
export interface ToolEntry {
  exposedName: string;
  server: string;
  tool: UpstreamTool;
  fingerprint: string;
}

/**
 * One agent connection (any front transport): its identity, its front SDK `Server`, its
 * per-session upstream clients, and the SERVER span of each request in flight.
 */
export class FrontSession {
  server!: Server;
  transport!: Transport;
  protocolVersion: string | undefined;
  lastActiveMs: number;
  closed = false;
  readonly toolIndex = new Map<string, ToolEntry>();
  readonly resourceIndex = new Map<string, string>();
  private readonly traces = new Map<string, RequestTrace>();
  private readonly base: Record<string, string | number>;

  constructor(
    readonly id: string,
    readonly endpoint: Endpoint,
    readonly identity: McpIdentity,
    readonly transportKind: FrontTransportKind,
    readonly core: McpCore,
    clientAddress: string | undefined,
  ) {
    this.lastActiveMs = core.deps.now();
    this.base = {
      ...identityAttributes(identity),
      [ATTR.MCP_SESSION_ID]: id,
      [ATTR.NETWORK_TRANSPORT]: 'tcp',
      [ATTR.NETWORK_PROTOCOL_NAME]: transportKind === 'websocket' ? 'websocket' : 'http',
      [ATTR.HTTP_ROUTE]: endpoint.route,
      ...(clientAddress ? { [ATTR.CLIENT_ADDRESS]: clientAddress } : {}),
      ...(endpoint.kind === 'transparent' ? { [SLUICE.MCP_SERVER]: endpoint.upstream } : {}),
    };
  }

  /** Connects the front server to its transport, tracing every request that crosses it. */
  async attach(server: Server, transport: Transport): Promise<void> {
    this.server = server;
    this.transport = transport;
    transport.onmessage = (message, extra) => this.inbound(message, extra?.requestInfo?.headers);
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      this.outbound(message);
      return send(message, options);
    };
    await server.connect(transport);
  }

  private inbound(message: JSONRPCMessage, headers: Record<string, unknown> | undefined): void {
    this.lastActiveMs = this.core.deps.now();
    if (isRequestMessage(message)) {
      const parent = extractContext((message.params as { _meta?: unknown } | undefined)?._meta, extractContext(headers, ROOT_CONTEXT));
      const attrs = { ...this.base, ...correlation(headers), ...(this.protocolVersion ? { [ATTR.MCP_PROTOCOL_VERSION]: this.protocolVersion } : {}) };
      this.traces.set(String(message.id), startServerSpan({ tracer: this.core.deps.tracer, request: message, parent, base: attrs, nowMs: this.lastActiveMs }));
    } else if (isNotificationMessage(message) && message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      const t = id === undefined ? undefined : this.traces.get(String(id));
      if (t) {
        this.traces.delete(String(id));
        t.span.setAttribute(ATTR.ERROR_TYPE, 'cancelled');
        t.span.end();
      }
    }
  }

  private outbound(message: JSONRPCMessage): void {
    this.lastActiveMs = this.core.deps.now();
    if (!isResponseMessage(message)) return;
    const key = String(message.id);
    const t = this.traces.get(key);
    if (!t) return;
    this.traces.delete(key);
    if (t.method === 'initialize' && 'result' in message) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') this.protocolVersion = version;
    }
    if (this.protocolVersion) t.span.setAttribute(ATTR.MCP_PROTOCOL_VERSION, this.protocolVersion);
    endServerSpan(t, message);
  }

  /** The SERVER span of an agent request in flight (handlers add their facts to it). */
  trace(requestId: RequestId): RequestTrace | undefined {
    return this.traces.get(String(requestId));
  }

  /** True while an agent request is in flight (an idle session is never reaped mid-call). */
  busy(): boolean {
    return this.traces.size > 0;
  }

  /** The most recent agent request still in flight: server→client traffic is related to it. */
  latestRequestId(): RequestId | undefined {
    let last: string | undefined;
    for (const key of this.traces.keys()) last = key;
    if (last === undefined) return undefined;
    return /^-?\d+$/.test(last) ? Number(last) : last;
  }

  /** How per-session upstream clients route back to this agent. */
  binding(): SessionBinding {
    return {
      sessionId: this.id,
      capabilities: this.server.getClientCapabilities() ?? {},
      hooks: {
        onRequest: (request, signal) => this.toAgent(request, signal),
        onNotification: (n) => this.notifyAgent(n),
        onToolsChanged: () => this.toolsChanged(),
      },
    };
  }

  /** This session's client for an upstream: shared, or its own in per-session mode. */
  async link(server: string): Promise<UpstreamLink> {
    const runtime = this.core.runtime(server);
    if (!runtime) throw new Error(`upstream ${server} is not running`);
    return runtime.linkFor(runtime.mode === 'per-session' ? this.binding() : undefined);
  }

  private async toAgent(request: JSONRPCRequest, signal: AbortSignal): Promise<Record<string, unknown>> {
    const related = this.latestRequestId();
    return this.server.request({ method: request.method, params: request.params } as never, LooseResultSchema, {
      signal,
      timeout: 10 * 60_000,
      ...(related === undefined ? {} : { relatedRequestId: related }),
    });
  }

  /** Relays an upstream notification (log message, resource update, list change) to the agent. */
  notifyAgent(n: JSONRPCNotification): void {
    // tools/list_changed arrives through onToolsChanged (the view must be rebuilt first).
    if (this.closed || n.method === 'notifications/tools/list_changed') return;
    const related = this.latestRequestId();
    this.server.notification({ method: n.method, params: n.params } as never, related === undefined ? undefined : { relatedRequestId: related })
      .catch((err: unknown) => this.core.deps.logger.debug({ session: this.id, method: n.method, err: String(err) }, 'notification not relayed'));
  }

  /** An upstream's tool list changed: this agent's view is stale. */
  toolsChanged(): void {
    if (this.closed) return;
    this.toolIndex.clear();
    this.server.sendToolListChanged().catch(() => undefined);
  }

  includes(server: string): boolean {
    return this.endpoint.kind === 'transparent' ? this.endpoint.upstream === server : this.endpoint.members.includes(server);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.traces.values()) {
      t.span.setAttribute(ATTR.ERROR_TYPE, 'session_closed');
      t.span.setStatus({ code: SpanStatusCode.ERROR, message: 'session closed before the response' });
      t.span.end();
    }
    this.traces.clear();
    this.core.releaseSession(this.id);
    await this.server?.close().catch(() => undefined);
  }
}
