import type { IncomingHttpHeaders } from 'node:http';
import { trace, type Tracer } from '@opentelemetry/api';
import { processSecretSource, type SecretSource } from '../../gateway/src/config/secret-ref.js';
import type { Identity } from '../../gateway/src/pipeline/context.js';

/** Who is calling: the gateway's own identity (one identity for LLM and tool calls). */
export type McpIdentity = Identity;

/** One tool as the policy sees it: upstream server, its own tool name, the name the agent used. */
export interface ToolRef {
  server: string;
  tool: string;
  exposedName: string;
}

export interface ToolAuthzDecision {
  allowed: boolean;
  /** Which rule decided (recorded on the span, never sent to the agent). */
  rule?: string;
  reason?: string;
}

export interface ToolLimitDecision {
  allowed: boolean;
  /** Limit name (e.g. `tool-calls-per-minute`), recorded on the span. */
  limit?: string;
  reason?: string;
  retryAfterMs?: number;
}

export interface ToolCharge {
  costMicroUsd?: number;
  budgetName?: string;
}

/** One guardrail finding. `action` is what was done (mask, flag, reject). */
export interface GuardHit {
  rule: string;
  action: string;
}

export interface GuardOutcome {
  /** The (possibly masked) value to use from here on. */
  value: unknown;
  hits: readonly GuardHit[];
  /** Set when the value must not pass. */
  rejected?: { rule?: string; reason: string };
}

export interface GuardContext {
  identity: McpIdentity;
  ref: ToolRef;
  direction: 'arguments' | 'result';
}

/** pino-compatible subset. */
export interface McpLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Everything the MCP gateway needs from the rest of Sluice, injected. Absent parts get
 * permissive defaults (anonymous identity, allow all, no limits, no guardrails, no-op tracer).
 */
export interface McpGatewayDeps {
  /** Identify the caller from request headers; throws a GatewayError-like `{status: 401|503}`. */
  authenticate(headers: IncomingHttpHeaders): Promise<McpIdentity>;
  /** May this identity see and call this tool? Hidden tools are absent from `tools/list`. */
  authorizeTool(identity: McpIdentity, ref: ToolRef): ToolAuthzDecision | Promise<ToolAuthzDecision>;
  /** Per-agent tool-call limits (calls per minute per tool, cost budget); checked before the call. */
  checkToolLimit(identity: McpIdentity, ref: ToolRef): ToolLimitDecision | Promise<ToolLimitDecision>;
  /** Records a finished call (cost per call drawn from the agent's budget). */
  chargeToolCall(identity: McpIdentity, ref: ToolRef, outcome: { isError: boolean; durationMs: number }): ToolCharge | Promise<ToolCharge>;
  guardToolArguments(args: Record<string, unknown>, ctx: GuardContext): GuardOutcome | Promise<GuardOutcome>;
  guardToolResult(result: Record<string, unknown>, ctx: GuardContext): GuardOutcome | Promise<GuardOutcome>;
  tracer: Tracer;
  logger: McpLogger;
  now(): number;
  /** Resolves secret references (stdio env, upstream credentials). */
  secrets: SecretSource;
  /** Jitter source for restart backoff. */
  random(): number;
}

const silentLogger: McpLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Fills absent dependencies with permissive defaults. */
export function withDefaultDeps(partial: Partial<McpGatewayDeps> = {}): McpGatewayDeps {
  return {
    authenticate: partial.authenticate ?? (async () => ({ method: 'anonymous', agent: 'anonymous' })),
    authorizeTool: partial.authorizeTool ?? (() => ({ allowed: true })),
    checkToolLimit: partial.checkToolLimit ?? (() => ({ allowed: true })),
    chargeToolCall: partial.chargeToolCall ?? (() => ({})),
    guardToolArguments: partial.guardToolArguments ?? ((value) => ({ value, hits: [] })),
    guardToolResult: partial.guardToolResult ?? ((value) => ({ value, hits: [] })),
    tracer: partial.tracer ?? trace.getTracer('sluice-mcp'),
    logger: partial.logger ?? silentLogger,
    now: partial.now ?? Date.now,
    secrets: partial.secrets ?? processSecretSource(process.env),
    random: partial.random ?? Math.random,
  };
}
