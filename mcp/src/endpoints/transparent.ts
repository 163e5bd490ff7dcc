import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { z } from 'zod';
import { SLUICE } from '../../../collector/src/model/semconv.js';
import type { Endpoint } from '../endpoint.js';
import { McpGatewayError } from '../errors.js';
import { forwardRequest } from '../governance/forward.js';
import { governedToolCall } from '../governance/tool-call.js';
import type { FrontSession } from '../session/front-session.js';
import { ToolListResultSchema } from '../wire-schemas.js';
import { BaseParams, installDispatch, method, type MethodHandler } from './dispatch.js';
import { presentTool, viewTools } from './tool-view.js';

type Transparent = Extract<Endpoint, { kind: 'transparent' }>;

/**
 * The front server of `/mcp/servers/{name}`: mirrors the upstream's identity and declared
 * capabilities and relays every method unchanged (resources, templates, prompts,
 * completions, logging, subscriptions…), except that `tools/list` is filtered by policy and
 * pins and `tools/call` takes the governed path. Server→client requests and notifications
 * come back through the session's per-session client.
 */
export async function buildTransparentServer(session: FrontSession): Promise<Server> {
  const ep = session.endpoint as Transparent;
  const { core } = session;
  const runtime = core.runtime(ep.upstream);
  if (!runtime) throw new McpGatewayError('MCP_UPSTREAM_UNAVAILABLE', `upstream ${ep.upstream} is not running`);
  const info = await runtime.describe();
  const requestMs = () => core.upstreamConfig(ep.upstream)?.timeouts.requestMs ?? 30_000;
  const server = new Server(info.serverInfo, {
    capabilities: structuredClone(info.capabilities),
    ...(info.instructions ? { instructions: info.instructions } : {}),
    jsonSchemaValidator: core.schemaValidator,
  });

  const table: Record<string, MethodHandler> = info.capabilities.tools === undefined ? {} : {
    'tools/list': method(BaseParams.extend({ cursor: z.string().optional() }), async (_p, extra, request) => {
      const link = await session.link(ep.upstream);
      const page = await forwardRequest({ session, server: ep.upstream, link, method: 'tools/list', params: request.params, extra, timeoutMs: requestMs(), schema: ToolListResultSchema });
      const viewed = await viewTools(session, ep.upstream, page.tools, { prefixed: false, globs: [], authorize: true, dropTaskRequired: false, span: session.trace(extra.requestId)?.span });
      return { ...page, tools: viewed.map(presentTool) };
    }),
    'tools/call': method(BaseParams.extend({ name: z.string(), arguments: z.record(z.string(), z.unknown()).optional() }), async (params, extra) => {
      const link = await session.link(ep.upstream);
      const tool = (await link.tools()).find((t) => t.name === params.name);
      const span = session.trace(extra.requestId)?.span;
      const [entry] = tool ? await viewTools(session, ep.upstream, [tool], { prefixed: false, globs: [], authorize: false, dropTaskRequired: false, span }) : [];
      if (!entry) {
        span?.setAttribute(SLUICE.ERROR_CODE, 'MCP_TOOL_NOT_FOUND');
        throw new McpGatewayError('MCP_TOOL_NOT_FOUND', `Tool not available: ${params.name}`);
      }
      return governedToolCall({ session, entry, params, extra });
    }),
  };

  installDispatch(server, table, async (_params, extra, request) => {
    const name = (request.params as { name?: unknown } | undefined)?.name;
    return forwardRequest({
      session, server: ep.upstream, link: await session.link(ep.upstream), method: request.method, params: request.params, extra, timeoutMs: requestMs(),
      ...(request.method === 'prompts/get' && typeof name === 'string' ? { target: name } : {}),
    });
  });
  // A per-session client starts as soon as the agent is initialized, so the upstream can
  // reach the agent (logs, resource updates) before its first request.
  if (runtime.mode === 'per-session') server.oninitialized = () => { session.link(ep.upstream).then((l) => l.ready()).catch(() => undefined); };
  // Agent notifications (roots/list_changed, …) go to this session's upstream client.
  server.fallbackNotificationHandler = async (n) => {
    const link = runtime.mode === 'per-session' ? runtime.sessionLink(session.id) : runtime.sharedLink();
    await link?.notify({ method: n.method, params: n.params as Record<string, unknown> | undefined }).catch(() => undefined);
  };
  return server;
}
