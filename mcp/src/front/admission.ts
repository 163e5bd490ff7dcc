import type { IncomingMessage } from 'node:http';
import type { McpSection } from '../config.js';
import type { McpCore } from '../core.js';
import type { McpIdentity } from '../deps.js';
import { McpGatewayError } from '../errors.js';
import { checkHostOrigin } from '../host-origin.js';
import type { SessionRegistry } from '../session/session-registry.js';
import { bearerChallenge, publicOrigin } from './protected-resource.js';

/** The root config the MCP gateway reads: its own section plus the server's allowed hosts. */
export interface McpRootConfig {
  mcp: McpSection;
  server?: { allowedHosts?: readonly string[] };
}

/** What every front transport shares. */
export interface FrontContext {
  core: McpCore;
  registry: SessionRegistry;
  root: () => McpRootConfig;
}

/** DNS-rebinding protection for every MCP request (403 before anything else). */
export function checkRequestOrigin(ctx: FrontContext, req: IncomingMessage): void {
  const root = ctx.root();
  const err = checkHostOrigin(req.headers, {
    allowedHosts: [...(root.server?.allowedHosts ?? []), ...root.mcp.allowedHosts],
    allowedOrigins: root.mcp.allowedOrigins,
  });
  if (err) throw err;
}

/**
 * Identifies the caller with the injected authenticator. A 401 carries the RFC 9728
 * challenge pointing at this endpoint's protected-resource metadata.
 */
export async function identify(ctx: FrontContext, req: IncomingMessage, resourcePath: string): Promise<McpIdentity> {
  try {
    return await ctx.core.deps.authenticate(req.headers);
  } catch (err) {
    const e = err as { status?: unknown; message?: unknown; headers?: Record<string, string> };
    const status = typeof e.status === 'number' ? e.status : 500;
    const message = typeof e.message === 'string' ? e.message : 'authentication failed';
    if (status === 401) {
      const challenge = bearerChallenge(publicOrigin(req, ctx.root().mcp), resourcePath, req.headers.authorization !== undefined);
      throw new McpGatewayError('MCP_AUTH_FAILED', message, { cause: err, httpStatus: 401, headers: { ...e.headers, 'www-authenticate': challenge } });
    }
    if (status === 403 || status === 503 || status === 429) throw new McpGatewayError('MCP_AUTH_FAILED', message, { cause: err, httpStatus: status, headers: e.headers });
    throw new McpGatewayError('MCP_INTERNAL', 'authentication failed', { cause: err });
  }
}
