import { z } from 'zod';
import { UpstreamNameSchema, UpstreamSchema } from './config-upstream.js';

/** A named federated endpoint at `/mcp/virtual/{name}` presenting selected upstreams. */
const VirtualServerSchema = z
  .object({
    description: z.string().optional(),
    upstreams: z.array(UpstreamNameSchema).min(1),
    /** Tool globs (`*` wildcard) on the exposed names; empty = every tool. */
    tools: z.array(z.string()).default([]),
    /** `auto`: no `<server>__` prefix when the virtual server has one upstream. */
    prefix: z.enum(['auto', 'always']).default('auto'),
  })
  .strict();

const LimitsSchema = z
  .object({
    /** Largest JSON-RPC message accepted from an agent (413 above). 4 MiB. */
    maxBodyBytes: z.number().int().positive().default(4 * 1024 * 1024),
    /** Largest `tools/call` arguments object, serialised. 1 MiB. */
    maxArgumentBytes: z.number().int().positive().default(1024 * 1024),
    /** Largest tool result relayed to an agent, serialised. 8 MiB. */
    maxResultBytes: z.number().int().positive().default(8 * 1024 * 1024),
    /** Front sessions (agent connections) held at once; new ones beyond get 503. */
    maxSessions: z.number().int().positive().default(10_000),
    /** A front session with no request for this long is closed (its per-session upstreams too). */
    sessionIdleTimeoutMs: z.number().int().positive().default(30 * 60_000),
    /** Events kept per front session for SSE resumption (`Last-Event-ID`). */
    resumableEvents: z.number().int().nonnegative().default(256),
  })
  .strict();

/** RFC 9728 protected-resource metadata, for MCP clients that discover auth the spec's way. */
const OAuthSchema = z
  .object({
    authorizationServers: z.array(z.string().url()).default([]),
    scopesSupported: z.array(z.string()).default([]),
    resourceName: z.string().default('Sluice MCP gateway'),
  })
  .strict();

const DEFAULT_UPSTREAMS = [{ name: 'sim', kind: 'sim' as const }];

/**
 * `mcp`: the MCP gateway. Upstream servers are data here (never code); the default config
 * federates the built-in simulated server so `/mcp` answers out of the box.
 */
export const McpSectionSchema = z
  .object({
    enabled: z.boolean().default(true),
    upstreams: z.array(UpstreamSchema).default(() => UpstreamSchema.array().parse(DEFAULT_UPSTREAMS)),
    virtualServers: z.record(UpstreamNameSchema, VirtualServerSchema).default({}),
    limits: LimitsSchema.prefault({}),
    /** Extra `Host` values accepted (with `server.allowedHosts`); loopback names always are. */
    allowedHosts: z.array(z.string()).default([]),
    /** `Origin` values accepted from browsers; loopback origins always are. */
    allowedOrigins: z.array(z.string()).default([]),
    /** External base URL (behind a proxy), for resource metadata; default from the Host header. */
    publicUrl: z.string().url().optional(),
    oauth: OAuthSchema.prefault({}),
    transports: z
      .object({ sse: z.boolean().default(true), websocket: z.boolean().default(true) })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((mcp, ctx) => {
    const names = new Set<string>();
    mcp.upstreams.forEach((u, i) => {
      if (names.has(u.name)) ctx.addIssue({ code: 'custom', path: ['upstreams', i, 'name'], message: `duplicate upstream "${u.name}"` });
      names.add(u.name);
    });
    for (const [name, vs] of Object.entries(mcp.virtualServers)) {
      vs.upstreams.forEach((u, i) => {
        if (!names.has(u)) ctx.addIssue({ code: 'custom', path: ['virtualServers', name, 'upstreams', i], message: `unknown upstream "${u}"` });
      });
    }
  })
  .prefault({});

export type McpSection = z.infer<typeof McpSectionSchema>;
export type McpSectionInput = z.input<typeof McpSectionSchema>;
export type VirtualServerConfig = z.infer<typeof VirtualServerSchema>;
export type { UpstreamConfig } from './config-upstream.js';
