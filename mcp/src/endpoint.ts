import type { McpSection } from './config.js';

/** What an MCP path serves. */
export type Endpoint =
  | { kind: 'transparent'; name: string; route: string; upstream: string }
  | { kind: 'federated'; name: string; route: string; members: string[]; prefixed: boolean; toolGlobs: string[] };

export interface RouteMatch {
  endpoint: Endpoint;
  /** `main`: Streamable HTTP / WebSocket; `sse` + `messages`: the legacy HTTP+SSE pair. */
  sub: 'main' | 'sse' | 'messages';
  /** The endpoint's base path (for legacy SSE `endpoint` events and metadata URLs). */
  basePath: string;
}

export const MCP_BASE_PATH = '/mcp';
export const PRM_PREFIX = '/.well-known/oauth-protected-resource';

/**
 * The current members of a federated endpoint. Re-read from the live config on every use,
 * so a reload adds or removes servers for sessions already open.
 */
export function federationMembers(ep: Extract<Endpoint, { kind: 'federated' }>, mcp: McpSection): { members: string[]; prefixed: boolean; toolGlobs: string[] } {
  const enabled = (name: string) => mcp.upstreams.some((u) => u.name === name && u.enabled);
  if (ep.name === 'default') return { members: mcp.upstreams.filter((u) => u.enabled && u.federate).map((u) => u.name), prefixed: true, toolGlobs: [] };
  const vs = mcp.virtualServers[ep.name];
  if (!vs) return { members: [], prefixed: ep.prefixed, toolGlobs: ep.toolGlobs };
  return { members: vs.upstreams.filter(enabled), prefixed: vs.prefix === 'always' || vs.upstreams.length > 1, toolGlobs: vs.tools };
}

/** `undefined`: not an MCP path; `{unknown}`: an MCP path naming a server that does not exist. */
export function matchRoute(pathname: string, mcp: McpSection): RouteMatch | { unknown: string } | undefined {
  if (pathname !== MCP_BASE_PATH && !pathname.startsWith(`${MCP_BASE_PATH}/`)) return undefined;
  const parts = pathname.slice(MCP_BASE_PATH.length).split('/').filter((p) => p !== '');
  let sub: RouteMatch['sub'] = 'main';
  const last = parts[parts.length - 1];
  if (last === 'sse' || last === 'messages') {
    sub = last;
    parts.pop();
  }
  if (parts.length === 0) {
    const endpoint = { kind: 'federated' as const, name: 'default', route: MCP_BASE_PATH, members: [], prefixed: true, toolGlobs: [] };
    return { sub, basePath: MCP_BASE_PATH, endpoint: { ...endpoint, ...federationMembers(endpoint, mcp) } };
  }
  if (parts.length !== 2) return { unknown: pathname };
  const [kind, rawName] = parts as [string, string];
  const name = decodeURIComponent(rawName);
  const basePath = `${MCP_BASE_PATH}/${kind}/${rawName}`;
  if (kind === 'servers') {
    const upstream = mcp.upstreams.find((u) => u.name === name && u.enabled);
    if (!upstream) return { unknown: name };
    return { sub, basePath, endpoint: { kind: 'transparent', name, route: `${MCP_BASE_PATH}/servers/{name}`, upstream: name } };
  }
  if (kind === 'virtual') {
    if (!mcp.virtualServers[name]) return { unknown: name };
    const endpoint = { kind: 'federated' as const, name, route: `${MCP_BASE_PATH}/virtual/{name}`, members: [], prefixed: true, toolGlobs: [] };
    return { sub, basePath, endpoint: { ...endpoint, ...federationMembers(endpoint, mcp) } };
  }
  return { unknown: pathname };
}
