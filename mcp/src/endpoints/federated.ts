import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { z } from 'zod';
import { ATTR, SLUICE } from '../../../collector/src/model/semconv.js';
import type { Endpoint } from '../endpoint.js';
import { ERROR_META_KEY, McpGatewayError, RpcError } from '../errors.js';
import { forwardRequest, type HandlerExtra } from '../governance/forward.js';
import { governedToolCall } from '../governance/tool-call.js';
import { joinName, splitName } from '../naming.js';
import type { FrontSession } from '../session/front-session.js';
import { PromptListResultSchema, ResourceListResultSchema, ResourceTemplateListResultSchema } from '../wire-schemas.js';
import { BaseParams, installDispatch, method } from './dispatch.js';
import { federationMembers } from '../endpoint.js';
import { allPages, eachMember } from './members.js';
import { presentTool, viewTools, type ViewedTool } from './tool-view.js';

type Federated = Extract<Endpoint, { kind: 'federated' }>;

/** Template `a/{x}/b` → anchored regex (RFC 6570 level-1 variables match one path segment). */
const templateRegex = (template: string): RegExp =>
  new RegExp(`^${template.split(/\{[^}]+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`);

/** Which member serves a name: `<server>__<name>`, or the only member when unprefixed. */
function ownerOf(ep: Pick<Federated, 'members' | 'prefixed'>, exposed: string): { server: string; name: string } | undefined {
  if (!ep.prefixed) return ep.members[0] === undefined ? undefined : { server: ep.members[0], name: exposed };
  const split = splitName(exposed);
  return split && ep.members.includes(split.server) ? split : undefined;
}

async function resolveTool(session: FrontSession, ep: Pick<Federated, 'members' | 'prefixed' | 'toolGlobs'>, exposed: string, extra: HandlerExtra): Promise<ViewedTool | undefined> {
  const owner = ownerOf(ep, exposed);
  if (!owner) return undefined;
  const link = await session.link(owner.server);
  const tool = (await link.tools()).find((t) => t.name === owner.name);
  if (!tool) return undefined;
  const span = session.trace(extra.requestId)?.span;
  const [viewed] = await viewTools(session, owner.server, [tool], { prefixed: ep.prefixed, globs: ep.toolGlobs, authorize: false, dropTaskRequired: true, span });
  return viewed?.exposedName === exposed ? viewed : undefined;
}

/**
 * The front server of a federated endpoint (`/mcp`, virtual servers): the tools, resources
 * and prompts of its member upstreams under `<server>__<name>`, filtered by what the agent
 * may use; every `tools/call` goes through the governed path.
 */
export function buildFederatedServer(session: FrontSession): Server {
  const endpoint = session.endpoint as Federated;
  const { core } = session;
  // Members are re-read per request: a config reload changes open sessions too.
  const live = () => federationMembers(endpoint, core.config());
  const requestMs = (server: string) => core.upstreamConfig(server)?.timeouts.requestMs ?? 30_000;
  const templates: Array<{ server: string; re: RegExp }> = [];
  const server = new Server(
    { name: endpoint.name === 'default' ? 'sluice-mcp-gateway' : `sluice-mcp-gateway/${endpoint.name}`, version: '0.1.0' },
    {
      capabilities: { tools: { listChanged: true }, resources: { listChanged: true }, prompts: { listChanged: true }, logging: {} },
      instructions: endpoint.prefixed ? 'Tools of several MCP servers, named <server>__<tool>.' : `Tools of ${endpoint.members.join(', ')}.`,
      jsonSchemaValidator: core.schemaValidator,
    },
  );
  const hasCap = (link: { serverCapabilities?: Record<string, unknown> }, cap: string) => link.serverCapabilities?.[cap] !== undefined;

  installDispatch(server, {
    'tools/list': method(BaseParams, async (_p, extra) => {
      const ep = live();
      const span = session.trace(extra.requestId)?.span;
      const viewed = await eachMember(session, ep.members, span, async (name, link) =>
        viewTools(session, name, await link.tools(), { prefixed: ep.prefixed, globs: ep.toolGlobs, authorize: true, dropTaskRequired: true, span }));
      return { tools: viewed.map(presentTool) };
    }),

    'tools/call': method(BaseParams.extend({ name: z.string(), arguments: z.record(z.string(), z.unknown()).optional() }), async (params, extra) => {
      const ep = live();
      const span = session.trace(extra.requestId)?.span;
      let entry: ViewedTool | undefined;
      try {
        entry = await resolveTool(session, ep, params.name, extra);
      } catch (err) {
        if (!(err instanceof McpGatewayError)) throw err;
        span?.setAttribute(SLUICE.ERROR_CODE, 'MCP_UPSTREAM_FAILED');
        return { content: [{ type: 'text', text: `Tool ${params.name} failed: ${err.message}` }], isError: true, _meta: { [ERROR_META_KEY]: 'MCP_UPSTREAM_FAILED' } };
      }
      if (!entry) {
        span?.setAttribute(SLUICE.ERROR_CODE, 'MCP_TOOL_NOT_FOUND');
        throw new McpGatewayError('MCP_TOOL_NOT_FOUND', `Tool not available: ${params.name}`);
      }
      return governedToolCall({ session, entry, params, extra });
    }),

    'resources/list': method(BaseParams, async (_p, extra) => {
      const ep = live();
      const resources = await eachMember(session, ep.members, session.trace(extra.requestId)?.span, async (name, link) => {
        if (!hasCap(link, 'resources')) return [];
        const list = await allPages<{ uri: string }>((cursor) => link.request({ method: 'resources/list', params: cursor ? { cursor } : {} }, ResourceListResultSchema, { timeout: requestMs(name) }), 'resources');
        for (const r of list) session.resourceIndex.set(r.uri, name);
        return list;
      });
      return { resources };
    }),

    'resources/templates/list': method(BaseParams, async (_p, extra) => {
      const ep = live();
      templates.length = 0;
      const resourceTemplates = await eachMember(session, ep.members, session.trace(extra.requestId)?.span, async (name, link) => {
        if (!hasCap(link, 'resources')) return [];
        const list = await allPages<{ uriTemplate: string }>((cursor) => link.request({ method: 'resources/templates/list', params: cursor ? { cursor } : {} }, ResourceTemplateListResultSchema, { timeout: requestMs(name) }), 'resourceTemplates');
        for (const t of list) templates.push({ server: name, re: templateRegex(t.uriTemplate) });
        return list;
      });
      return { resourceTemplates };
    }),

    'resources/read': method(BaseParams.extend({ uri: z.string() }), async (params, extra, request) => {
      const ep = live();
      let owner = session.resourceIndex.get(params.uri) ?? templates.find((t) => t.re.test(params.uri))?.server;
      if (owner === undefined && ep.members.length === 1) owner = ep.members[0];
      if (owner === undefined) throw new RpcError(-32002, `Resource not found: ${params.uri}`, { uri: params.uri });
      session.trace(extra.requestId)?.span.setAttribute(SLUICE.MCP_SERVER, owner);
      return forwardRequest({ session, server: owner, link: await session.link(owner), method: 'resources/read', params: request.params, extra, timeoutMs: requestMs(owner) });
    }),

    'prompts/list': method(BaseParams, async (_p, extra) => {
      const ep = live();
      const prompts = await eachMember(session, ep.members, session.trace(extra.requestId)?.span, async (name, link) => {
        if (!hasCap(link, 'prompts')) return [];
        const list = await allPages<{ name: string }>((cursor) => link.request({ method: 'prompts/list', params: cursor ? { cursor } : {} }, PromptListResultSchema, { timeout: requestMs(name) }), 'prompts');
        return list.flatMap((p) => {
          const exposed = joinName(name, p.name, ep.prefixed);
          return exposed ? [{ ...p, name: exposed }] : [];
        });
      });
      return { prompts };
    }),

    'prompts/get': method(BaseParams.extend({ name: z.string() }), async (params, extra, request) => {
      const ep = live();
      const owner = ownerOf(ep, params.name);
      if (!owner) throw new RpcError(-32602, `Prompt not found: ${params.name}`);
      session.trace(extra.requestId)?.span.setAttributes({ [SLUICE.MCP_SERVER]: owner.server, [ATTR.GEN_AI_PROMPT_NAME]: params.name });
      return forwardRequest({ session, server: owner.server, link: await session.link(owner.server), method: 'prompts/get', target: owner.name, params: { ...request.params, name: owner.name }, extra, timeoutMs: requestMs(owner.server) });
    }),

    'logging/setLevel': method(BaseParams.extend({ level: z.string() }), async (_params, extra, request) => {
      const ep = live();
      await eachMember(session, ep.members, session.trace(extra.requestId)?.span, async (name, link) => {
        if (hasCap(link, 'logging')) await link.request({ method: 'logging/setLevel', params: request.params }, z.looseObject({}), { timeout: requestMs(name) });
        return [];
      });
      return {};
    }),
  });
  return server;
}
