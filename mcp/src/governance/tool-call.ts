import type { Span } from '@opentelemetry/api';
import { ATTR, SLUICE } from '../../../collector/src/model/semconv.js';
import type { GuardHit, ToolRef } from '../deps.js';
import { PINNED_FINGERPRINT_ATTR, TOOL_CHANGED_EVENT, type ViewedTool } from '../endpoints/tool-view.js';
import { ERROR_META_KEY, McpGatewayError, type McpErrorCode } from '../errors.js';
import type { FrontSession } from '../session/front-session.js';
import { CallToolResultLooseSchema } from '../wire-schemas.js';
import { forwardRequest, type HandlerExtra } from './forward.js';

/** A tool-execution error: the model sees why, the span and `_meta` carry the stable code. */
function errorResult(span: Span | undefined, code: McpErrorCode, text: string): Record<string, unknown> {
  span?.setAttribute(SLUICE.ERROR_CODE, code);
  return { content: [{ type: 'text', text }], isError: true, _meta: { [ERROR_META_KEY]: code } };
}

function refuse(span: Span | undefined, err: McpGatewayError): never {
  span?.setAttribute(SLUICE.ERROR_CODE, err.code);
  throw err;
}

function recordGuard(span: Span | undefined, hits: readonly GuardHit[], all: GuardHit[]): void {
  all.push(...hits);
  if (!span || all.length === 0) return;
  span.setAttribute(SLUICE.GUARDRAIL_HITS, all.length);
  span.setAttribute(SLUICE.GUARDRAIL_RULES, [...new Set(all.map((h) => h.rule))]);
  span.setAttribute(SLUICE.GUARDRAIL_ACTIONS, [...new Set(all.map((h) => h.action))]);
}

const byteLength = (value: unknown): number => Buffer.byteLength(JSON.stringify(value ?? null));

export interface ToolCallInput {
  session: FrontSession;
  entry: ViewedTool;
  params: { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> };
  extra: HandlerExtra;
}

/**
 * One governed `tools/call`: authorize → pin check → size cap → guard(arguments) → limits →
 * validate against `inputSchema` → upstream (timeout cancels upstream) → size cap →
 * guard(result) → charge. Refusals are JSON-RPC errors naming only the tool; execution
 * failures are `isError` results. Everything lands on the request's SERVER span.
 */
export async function governedToolCall({ session, entry, params, extra }: ToolCallInput): Promise<Record<string, unknown>> {
  const { core, identity } = session;
  const deps = core.deps;
  const config = core.upstreamConfig(entry.server);
  const limits = core.config().limits;
  const span = session.trace(extra.requestId)?.span;
  const ref: ToolRef = { server: entry.server, tool: entry.tool.name, exposedName: entry.exposedName };
  const name = entry.exposedName;
  span?.setAttributes({ [SLUICE.MCP_SERVER]: entry.server, [SLUICE.TOOL_FINGERPRINT]: entry.fingerprint });
  if (!config) refuse(span, new McpGatewayError('MCP_TOOL_NOT_FOUND', `Tool not available: ${name}`));

  const authz = await deps.authorizeTool(identity, ref);
  span?.setAttributes({ [SLUICE.AUTHZ_DECISION]: authz.allowed ? 'allow' : 'deny', ...(authz.rule ? { [SLUICE.AUTHZ_RULE]: authz.rule } : {}), ...(authz.reason ? { [SLUICE.AUTHZ_REASON]: authz.reason } : {}) });
  if (!authz.allowed) refuse(span, new McpGatewayError('MCP_TOOL_NOT_FOUND', `Tool not available: ${name}`));

  if (entry.changed) {
    span?.addEvent(TOOL_CHANGED_EVENT, { [SLUICE.MCP_SERVER]: entry.server, [ATTR.GEN_AI_TOOL_NAME]: entry.tool.name, [SLUICE.TOOL_FINGERPRINT]: entry.fingerprint, [PINNED_FINGERPRINT_ATTR]: core.pins.list().find((p) => p.server === entry.server && p.tool === entry.tool.name)?.pinned ?? '' });
  }
  if (entry.blocked) refuse(span, new McpGatewayError('MCP_TOOL_BLOCKED', `Tool ${name} changed its definition and is blocked until an operator approves it`));

  let args: Record<string, unknown> = params.arguments ?? {};
  const maxArgs = config.maxArgumentBytes ?? limits.maxArgumentBytes;
  if (byteLength(args) > maxArgs) refuse(span, new McpGatewayError('MCP_ARGUMENTS_TOO_LARGE', `Arguments for ${name} exceed ${maxArgs} bytes`));

  const hits: GuardHit[] = [];
  const guardedArgs = await deps.guardToolArguments(args, { identity, ref, direction: 'arguments' });
  recordGuard(span, guardedArgs.hits, hits);
  if (guardedArgs.rejected) refuse(span, new McpGatewayError('MCP_GUARDRAIL_REJECTED', `Arguments for ${name} were refused by a guardrail: ${guardedArgs.rejected.reason}`));
  args = guardedArgs.value as Record<string, unknown>;

  const limit = await deps.checkToolLimit(identity, ref);
  if (!limit.allowed) {
    if (limit.limit) span?.setAttribute(SLUICE.RATELIMIT_NAME, limit.limit);
    refuse(span, new McpGatewayError('MCP_RATE_LIMITED', `Tool ${name}: ${limit.reason ?? 'call limit reached'}`, { data: limit.retryAfterMs === undefined ? {} : { retryAfterMs: limit.retryAfterMs } }));
  }

  const invalid = core.argValidator.validate(entry.fingerprint, entry.tool.inputSchema, args);
  if (invalid !== undefined) return errorResult(span, 'MCP_ARGUMENTS_INVALID', `Invalid arguments for tool ${name}: ${invalid}`);

  const timeoutMs = config.toolTimeoutsMs[entry.tool.name] ?? config.timeouts.callMs;
  const startedMs = deps.now();
  let result: Record<string, unknown>;
  try {
    const link = await session.link(entry.server);
    // The SDK's request timeout cancels upstream (notifications/cancelled) when it fires.
    result = await forwardRequest({
      session, server: entry.server, link, method: 'tools/call', target: entry.tool.name,
      params: { ...params, name: entry.tool.name, arguments: args }, extra, timeoutMs, schema: CallToolResultLooseSchema,
    });
  } catch (err) {
    if (extra.signal.aborted) throw err;
    if (err instanceof McpGatewayError && err.code === 'MCP_UPSTREAM_TIMEOUT') result = errorResult(span, 'MCP_UPSTREAM_TIMEOUT', `Tool ${name} timed out after ${timeoutMs} ms; the call was cancelled upstream`);
    else if (err instanceof McpGatewayError && err.code === 'MCP_UPSTREAM_UNAVAILABLE') result = errorResult(span, 'MCP_UPSTREAM_FAILED', `Tool ${name} failed: ${err.message}`);
    else throw err;
  }

  const maxResult = config.maxResultBytes ?? limits.maxResultBytes;
  if (result.isError !== true && byteLength(result) > maxResult) result = errorResult(span, 'MCP_RESULT_TOO_LARGE', `The result of ${name} exceeds ${maxResult} bytes`);
  const guardedResult = await deps.guardToolResult(result, { identity, ref, direction: 'result' });
  recordGuard(span, guardedResult.hits, hits);
  result = guardedResult.rejected ? errorResult(span, 'MCP_RESULT_REJECTED', `The result of ${name} was withheld by a guardrail`) : (guardedResult.value as Record<string, unknown>);

  const charge = await deps.chargeToolCall(identity, ref, { isError: result.isError === true, durationMs: deps.now() - startedMs });
  if (charge.costMicroUsd !== undefined) span?.setAttribute(SLUICE.COST_MICRO_USD, charge.costMicroUsd);
  if (charge.budgetName) span?.setAttribute(SLUICE.BUDGET_NAME, charge.budgetName);
  return result;
}
