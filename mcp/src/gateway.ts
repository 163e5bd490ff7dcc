import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SimMcpState } from '../../scenarios/src/sim-mcp/sim-state.js';
import { McpCore } from './core.js';
import { withDefaultDeps, type McpGatewayDeps } from './deps.js';
import { matchRoute, MCP_BASE_PATH, PRM_PREFIX } from './endpoint.js';
import { McpGatewayError } from './errors.js';
import { checkRequestOrigin, type FrontContext, type McpRootConfig } from './front/admission.js';
import { sendGatewayError } from './front/http-io.js';
import { handleLegacySse } from './front/legacy-sse.js';
import { protectedResourceMetadata, publicOrigin } from './front/protected-resource.js';
import { handleStreamableHttp } from './front/streamable-http.js';
import { rejectUpgrade, WebSocketFront } from './front/websocket.js';
import { SessionRegistry } from './session/session-registry.js';
import type { PinEntry } from './tool-pins.js';
import type { UpstreamHealth } from './upstream/upstream-runtime.js';

export interface McpGatewayOptions {
  /** Current root config (read per request; `reload()` applies upstream changes). */
  config: () => McpRootConfig;
  deps?: Partial<McpGatewayDeps>;
}

export interface McpGateway {
  /** Serves MCP paths (`/mcp…`, its protected-resource metadata); false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, body?: unknown): Promise<boolean>;
  /** Takes a WebSocket upgrade on an MCP path; false for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Upstream health, per server. */
  health(): UpstreamHealth[];
  /**
   * A `/readyz` check (the gateway's `ReadinessCheck` shape): not ready only when upstreams
   * are configured and none is usable; the detail lists every server's status.
   */
  readiness(): Promise<{ name: string; ok: boolean; detail?: string }>;
  /** Re-reads `config().mcp`: changed upstreams restart, others keep their clients. */
  reload(): Promise<void>;
  close(): Promise<void>;
  /** Open agent sessions. */
  sessionCount(): number;
  /** Tool-definition pins; `approveTool` accepts the current (or given) definition. */
  pins(): PinEntry[];
  approveTool(server: string, tool: string, fingerprint?: string): boolean;
  /** The simulator behind a `sim` upstream (demos and tests change it at runtime). */
  simState(server: string): SimMcpState | undefined;
  /** Process id of a stdio upstream (its shared client, or a session's own). */
  upstreamPid(server: string, sessionId?: string): number | null;
}

/**
 * The MCP gateway: federated (`/mcp`, `/mcp/virtual/{name}`) and transparent
 * (`/mcp/servers/{name}`) endpoints over Streamable HTTP, legacy HTTP+SSE and WebSocket,
 * every tool call governed and traced. Mount `handle` and `handleUpgrade` on an HTTP server.
 */
export function createMcpGateway(options: McpGatewayOptions): McpGateway {
  const deps = withDefaultDeps(options.deps);
  const core = new McpCore(options.config().mcp, deps);
  const registry = new SessionRegistry(core);
  const ctx: FrontContext = { core, registry, root: () => ({ mcp: core.config(), server: options.config().server }) };
  const ws = new WebSocketFront(ctx);
  core.start();

  function renderError(res: ServerResponse, err: unknown): void {
    if (err instanceof McpGatewayError) return sendGatewayError(res, err);
    deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'mcp request failed');
    sendGatewayError(res, new McpGatewayError('MCP_INTERNAL', 'internal error', { cause: err }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body?: unknown): Promise<boolean> {
    const mcp = core.config();
    if (!mcp.enabled) return false;
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    try {
      if (pathname.startsWith(`${PRM_PREFIX}${MCP_BASE_PATH}`)) {
        checkRequestOrigin(ctx, req);
        const resource = pathname.slice(PRM_PREFIX.length);
        if (matchRoute(resource, mcp) === undefined) return false;
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' })
          .end(JSON.stringify(protectedResourceMetadata(publicOrigin(req, mcp), resource, mcp)));
        return true;
      }
      const match = matchRoute(pathname, mcp);
      if (match === undefined) return false;
      checkRequestOrigin(ctx, req);
      if ('unknown' in match) throw new McpGatewayError('MCP_UNKNOWN_SERVER', `No MCP server at ${pathname}`);
      if (match.sub === 'main') await handleStreamableHttp(ctx, req, res, match.endpoint, match.basePath, body);
      else if (!mcp.transports.sse) throw new McpGatewayError('MCP_UNKNOWN_SERVER', `No MCP server at ${pathname}`);
      else await handleLegacySse(ctx, req, res, match.endpoint, match.basePath, match.sub, body);
    } catch (err) {
      renderError(res, err);
    }
    return true;
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const mcp = core.config();
    if (!mcp.enabled || !mcp.transports.websocket) return false;
    const match = matchRoute(new URL(req.url ?? '/', 'http://localhost').pathname, mcp);
    if (match === undefined) return false;
    try {
      checkRequestOrigin(ctx, req);
      if ('unknown' in match || match.sub !== 'main') throw new McpGatewayError('MCP_UNKNOWN_SERVER', 'No MCP server at this path');
      ws.upgrade(req, socket, head, match.endpoint, match.basePath);
    } catch (err) {
      rejectUpgrade(socket, err);
    }
    return true;
  }

  return {
    handle,
    handleUpgrade,
    health: () => core.health(),
    readiness: async () => {
      const all = core.health();
      const usable = all.filter((h) => h.status === 'up' || h.status === 'idle' || h.status === 'starting');
      return { name: 'mcp', ok: all.length === 0 || usable.length > 0, detail: all.map((h) => `${h.server}=${h.status}`).join(', ') };
    },
    reload: async () => {
      await core.reload(options.config().mcp);
      registry.reschedule();
    },
    async close() {
      ws.close();
      await registry.closeAll();
      await core.close();
    },
    sessionCount: () => registry.size,
    pins: () => core.pins.list(),
    approveTool: (server, tool, fingerprint) => core.approve(server, tool, fingerprint),
    simState: (server) => core.runtime(server)?.simState(),
    upstreamPid: (server, sessionId) => {
      const runtime = core.runtime(server);
      return (sessionId === undefined ? runtime?.sharedLink() : runtime?.sessionLink(sessionId))?.pid() ?? null;
    },
  };
}
