import type { IncomingMessage } from 'node:http';
import type { McpSection } from '../config.js';
import { PRM_PREFIX } from '../endpoint.js';

/** The gateway's external origin: configured, else from the (already validated) Host header. */
export function publicOrigin(req: IncomingMessage, mcp: McpSection): string {
  if (mcp.publicUrl) return new URL(mcp.publicUrl).origin;
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  return `${tls ? 'https' : 'http'}://${req.headers.host ?? '127.0.0.1'}`;
}

/** RFC 9728 metadata URL for an MCP resource path (`/.well-known/oauth-protected-resource/mcp`). */
export function metadataUrl(origin: string, resourcePath: string): string {
  return `${origin}${PRM_PREFIX}${resourcePath}`;
}

/** RFC 9728 protected-resource metadata document for `resourcePath`. */
export function protectedResourceMetadata(origin: string, resourcePath: string, mcp: McpSection): Record<string, unknown> {
  return {
    resource: `${origin}${resourcePath}`,
    authorization_servers: mcp.oauth.authorizationServers,
    bearer_methods_supported: ['header'],
    ...(mcp.oauth.scopesSupported.length > 0 ? { scopes_supported: mcp.oauth.scopesSupported } : {}),
    resource_name: mcp.oauth.resourceName,
  };
}

/** `WWW-Authenticate` for a 401 on an MCP path (MCP authorization spec, RFC 9728 §5.1). */
export function bearerChallenge(origin: string, resourcePath: string, hadCredentials: boolean): string {
  const error = hadCredentials ? 'error="invalid_token", ' : '';
  return `Bearer ${error}resource_metadata="${metadataUrl(origin, resourcePath)}"`;
}
