import type { IncomingHttpHeaders } from 'node:http';
import { McpGatewayError } from './errors.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export interface HostOriginPolicy {
  /** Extra Host values (`name` or `name:port`); `*` accepts any. Loopback names always pass. */
  allowedHosts: readonly string[];
  /** Extra origins (`https://app.example`); `*` accepts any. Loopback origins always pass. */
  allowedOrigins: readonly string[];
}

/** `host[:port]` → lower-case host name (IPv6 keeps its brackets). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/**
 * DNS-rebinding protection (MCP transports spec): a request whose Host or Origin is not
 * loopback or explicitly allowed is refused with 403 before anything else happens.
 */
export function checkHostOrigin(headers: IncomingHttpHeaders, policy: HostOriginPolicy): McpGatewayError | undefined {
  const host = headers.host;
  if (!policy.allowedHosts.includes('*')) {
    const name = host === undefined ? '' : hostName(host);
    const ok = name !== '' && (LOOPBACK.has(name) || policy.allowedHosts.some((a) => a.toLowerCase() === host?.toLowerCase() || a.toLowerCase() === name));
    if (!ok) return new McpGatewayError('MCP_HOST_NOT_ALLOWED', `Invalid Host header: ${host ?? '(none)'}`);
  }
  const origin = headers.origin;
  if (origin === undefined || policy.allowedOrigins.includes('*')) return undefined;
  let originHost: string;
  try {
    originHost = new URL(origin).hostname.toLowerCase();
  } catch {
    return new McpGatewayError('MCP_ORIGIN_NOT_ALLOWED', `Invalid Origin header: ${origin}`);
  }
  if (LOOPBACK.has(originHost) || policy.allowedOrigins.some((a) => a.toLowerCase() === origin.toLowerCase())) return undefined;
  return new McpGatewayError('MCP_ORIGIN_NOT_ALLOWED', `Invalid Origin header: ${origin}`);
}
