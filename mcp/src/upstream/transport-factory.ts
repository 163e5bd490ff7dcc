import { createInterface } from 'node:readline';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import WebSocket from 'ws';
import { describeSecretRef, resolveSecret } from '../../../gateway/src/config/secret-ref.js';
import { createSimMcpServer } from '../../../scenarios/src/sim-mcp/sim-server.js';
import type { SimMcpState } from '../../../scenarios/src/sim-mcp/sim-state.js';
import type { HttpUpstreamConfig, StdioUpstreamConfig, UpstreamConfig } from '../config-upstream.js';
import type { McpGatewayDeps } from '../deps.js';
import { McpGatewayError } from '../errors.js';
import { MCP_WS_SUBPROTOCOL, WebSocketTransport } from '../ws-transport.js';
import { quietFetch } from './quiet-fetch.js';
import { UndiciStreamableHttpTransport } from './undici-http-transport.js';

/** A transport plus what the gateway may want to know about it. */
export interface UpstreamTransport {
  transport: Transport;
  /** Child process id (stdio). */
  pid?: () => number | null;
  /** `pipe` for stdio and in-process, `tcp` otherwise (MCP semconv `network.transport`). */
  networkTransport: 'pipe' | 'tcp';
  serverAddress?: string;
  serverPort?: number;
}

function unavailable(name: string, message: string): McpGatewayError {
  return new McpGatewayError('MCP_UPSTREAM_UNAVAILABLE', `upstream ${name}: ${message}`);
}

/**
 * The child's environment is exactly the configured one (the SDK adds only HOME, LOGNAME,
 * PATH, SHELL, TERM, USER); the gateway's own secrets never leak into an MCP server.
 */
function stdioEnv(config: StdioUpstreamConfig, deps: McpGatewayDeps, clientId: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(config.env)) {
    if (typeof value === 'string') { env[key] = withClientId(value, clientId); continue; }
    const secret = resolveSecret(value, deps.secrets);
    if (secret === undefined) throw unavailable(config.name, `secret for ${key} (${describeSecretRef(value)}) is not set`);
    env[key] = secret;
  }
  return env;
}

/**
 * `{{clientId}}` in stdio args, literal env values and cwd: an id unique to each upstream
 * client (one per agent session in per-session mode), stable across restarts — e.g. a
 * per-session state file for a stateful server.
 */
export const CLIENT_ID_PLACEHOLDER = '{{clientId}}';
const withClientId = (value: string, clientId: string) => value.split(CLIENT_ID_PLACEHOLDER).join(clientId);

function stdioTransport(config: StdioUpstreamConfig, deps: McpGatewayDeps, clientId: string): UpstreamTransport {
  const transport = new StdioClientTransport({
    command: config.command,
    args: config.args.map((a) => withClientId(a, clientId)),
    env: stdioEnv(config, deps, clientId),
    cwd: config.cwd === undefined ? undefined : withClientId(config.cwd, clientId),
    stderr: config.stderr === 'log' ? 'pipe' : 'ignore',
  });
  const stderr = transport.stderr;
  if (stderr !== null) {
    createInterface({ input: stderr as unknown as NodeJS.ReadableStream }).on('line', (line) => deps.logger.debug({ upstream: config.name, stderr: line.slice(0, 2000) }, 'mcp upstream stderr'));
  }
  return { transport, pid: () => transport.pid, networkTransport: 'pipe' };
}

/** Headers for an HTTP-ish upstream: configured ones plus the configured credential. */
function upstreamHeaders(config: HttpUpstreamConfig, deps: McpGatewayDeps): Record<string, string> {
  const headers = { ...config.headers };
  if (config.credentials) {
    const secret = resolveSecret(config.credentials.secret, deps.secrets);
    if (secret === undefined) throw unavailable(config.name, `credential (${describeSecretRef(config.credentials.secret)}) is not set`);
    headers[config.credentials.header] = config.credentials.scheme ? `${config.credentials.scheme} ${secret}` : secret;
  }
  return headers;
}

function httpTransport(config: HttpUpstreamConfig, deps: McpGatewayDeps): UpstreamTransport {
  const url = new URL(config.url);
  const headers = upstreamHeaders(config, deps);
  const where = { networkTransport: 'tcp' as const, serverAddress: url.hostname, serverPort: Number(url.port) || (url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80) };
  if (config.kind === 'streamable-http') return { transport: new UndiciStreamableHttpTransport(url, headers), ...where };
  if (config.kind === 'sse') return { transport: new SSEClientTransport(url, { requestInit: { headers }, fetch: quietFetch }), ...where };
  const socket = new WebSocket(url, MCP_WS_SUBPROTOCOL, { headers });
  return { transport: new WebSocketTransport(socket), ...where };
}

/** The in-process simulator: a linked in-memory pair, no socket, one sim server per link. */
function simTransport(state: SimMcpState): UpstreamTransport {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  void createSimMcpServer(state).connect(serverSide);
  return { transport: clientSide, networkTransport: 'pipe' };
}

/** Builds a fresh transport for one connection attempt to `config`. */
export function createUpstreamTransport(config: UpstreamConfig, deps: McpGatewayDeps, simState: () => SimMcpState, clientId: string): UpstreamTransport {
  switch (config.kind) {
    case 'stdio':
      return stdioTransport(config, deps, clientId);
    case 'streamable-http':
    case 'sse':
    case 'websocket':
      return httpTransport(config, deps);
    case 'sim':
      return simTransport(simState());
  }
}
