import { z } from 'zod';
import { SecretRefSchema } from '../../gateway/src/config/secret-ref.js';
import { SimMcpOptionsSchema } from '../../scenarios/src/sim-mcp/options.js';

/**
 * Upstream server names become tool prefixes (`<server>__<tool>`), so they are valid MCP
 * tool-name fragments and never contain the separator itself.
 */
export const UpstreamNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9.-]*(?:_[A-Za-z0-9.-]+)*$/, 'letters, digits, ".", "-" and single "_" only (no "__")')
  .max(64);

const TimeoutsSchema = z
  .object({
    /** Spawn/connect plus the initialize handshake. */
    connectMs: z.number().int().positive().default(15_000),
    /** One tools/call, unless `toolTimeoutsMs` says otherwise. Progress does not extend it. */
    callMs: z.number().int().positive().default(60_000),
    /** Every other request (lists, reads, prompts, completions). */
    requestMs: z.number().int().positive().default(30_000),
  })
  .strict();

const SessionsSchema = z
  .object({
    /**
     * `shared`: one upstream client for every agent (stateless servers). `per-session`: one
     * client (for stdio, one process) per agent session — needed for stateful servers and to
     * route sampling, elicitation, roots and log messages back to the right agent.
     */
    mode: z.enum(['shared', 'per-session']).default('shared'),
    /** Pool limit of per-session clients; at the limit the least recently used idle one is closed. */
    maxSessions: z.number().int().positive().default(32),
    /** A per-session client unused this long is closed (its process ends). */
    idleTimeoutMs: z.number().int().positive().default(300_000),
  })
  .strict();

const RestartSchema = z
  .object({
    initialDelayMs: z.number().int().positive().default(200),
    maxDelayMs: z.number().int().positive().default(30_000),
    multiplier: z.number().min(1).default(2),
    /** Consecutive failed restarts before the server is left down; 0 = keep trying. */
    maxAttempts: z.number().int().nonnegative().default(0),
  })
  .strict();

/** A credential sent upstream in a header, from env or file. Never the agent's own token. */
const CredentialSchema = z
  .object({
    header: z.string().default('authorization'),
    /** Prefix before the secret (`Bearer `); empty for raw API-key headers. */
    scheme: z.string().default('Bearer'),
    secret: SecretRefSchema,
  })
  .strict();

const common = {
  name: UpstreamNameSchema,
  description: z.string().optional(),
  enabled: z.boolean().default(true),
  /** Part of the federated `/mcp` endpoint (virtual servers list their members explicitly). */
  federate: z.boolean().default(true),
  timeouts: TimeoutsSchema.prefault({}),
  /** Per-tool call timeouts, by upstream tool name. */
  toolTimeoutsMs: z.record(z.string(), z.number().int().positive()).default({}),
  sessions: SessionsSchema.prefault({}),
  /** Tool-definition pinning: `record` a change as a span event, or also `block` the tool until approved. */
  pinTools: z.enum(['off', 'record', 'block']).default('record'),
  /** Approved fingerprints (sha256 hex) by tool name; a listed tool is pinned to this value. */
  approvedTools: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)).default({}),
  /** Overrides of the section-wide size caps. */
  maxArgumentBytes: z.number().int().positive().optional(),
  maxResultBytes: z.number().int().positive().optional(),
};

const StdioSchema = z
  .object({
    ...common,
    kind: z.literal('stdio'),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    /**
     * The child's environment: only these (plus HOME, LOGNAME, PATH, SHELL, TERM, USER) —
     * never the gateway's own. A value is a literal or a secret reference. In literal values,
     * `args` and `cwd`, `{{clientId}}` becomes an id unique to each upstream client (one per
     * agent session in per-session mode), e.g. a per-session state file.
     */
    env: z.record(z.string(), z.union([z.string(), SecretRefSchema])).default({}),
    cwd: z.string().optional(),
    restart: RestartSchema.prefault({}),
    /** The child's stderr: dropped, or logged line by line at debug level. */
    stderr: z.enum(['ignore', 'log']).default('log'),
  })
  .strict();

const httpCommon = {
  url: z.string().url(),
  /** Non-secret headers. */
  headers: z.record(z.string(), z.string()).default({}),
  credentials: CredentialSchema.optional(),
  restart: RestartSchema.prefault({}),
};

const StreamableHttpSchema = z.object({ ...common, ...httpCommon, kind: z.literal('streamable-http') }).strict();
const SseSchema = z.object({ ...common, ...httpCommon, kind: z.literal('sse') }).strict();
const WebSocketSchema = z.object({ ...common, ...httpCommon, kind: z.literal('websocket') }).strict();

/** The built-in simulated server, run in-process (no socket) by `sluice serve`. */
const SimSchema = z
  .object({
    ...common,
    kind: z.literal('sim'),
    sim: z.record(z.string(), z.unknown()).default({}),
    restart: RestartSchema.prefault({}),
  })
  .strict()
  .superRefine((u, ctx) => {
    const parsed = SimMcpOptionsSchema.safeParse(u.sim);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: ['sim', ...issue.path.map(String)], message: issue.message });
    }
  });

export const UpstreamSchema = z.discriminatedUnion('kind', [StdioSchema, StreamableHttpSchema, SseSchema, WebSocketSchema, SimSchema]);
export type UpstreamConfig = z.infer<typeof UpstreamSchema>;
export type StdioUpstreamConfig = z.infer<typeof StdioSchema>;
export type HttpUpstreamConfig = z.infer<typeof StreamableHttpSchema> | z.infer<typeof SseSchema> | z.infer<typeof WebSocketSchema>;
export type SimUpstreamConfig = z.infer<typeof SimSchema>;
