import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { type GuardOutcome, type McpGateway, type McpGatewayDeps, createMcpGateway } from '../../mcp/src/index.js';
import type { Budgets } from './budget/index.js';
import type { Config } from './config/schema.js';
import type { SecretSource } from './config/secret-ref.js';
import type { createGuardrails } from './guardrails/index.js';
import type { IdentityService } from './identity/index.js';
import type { Identity } from './pipeline/context.js';

export interface McpWiringDeps {
  config: () => Config;
  identity: IdentityService;
  budgets: Budgets;
  guardrails: ReturnType<typeof createGuardrails>;
  tracer: Tracer;
  logger: Logger;
  now: () => number;
  secrets: SecretSource;
}

/**
 * The MCP gateway on the same identity, policy, ledger and guardrails as the LLM side:
 * each tools/call is authenticated, authorized per server/tool, rate-limited and charged,
 * and its arguments and results pass the guardrails — exactly like an LLM call.
 */
export function createWiredMcpGateway(d: McpWiringDeps): McpGateway {
  const guard = (direction: 'request' | 'response') => async (value: Record<string, unknown>, ctx: Parameters<McpGatewayDeps['guardToolArguments']>[1]): Promise<GuardOutcome> => {
    const config = d.config();
    const r = await d.guardrails.scanJsonValue(value, direction, { guardrails: config.guardrails, route: '/mcp', model: ctx.ref.exposedName, identity: ctx.identity as Identity });
    return {
      value: r.value,
      hits: r.hits.map((h) => ({ rule: h.rule, action: h.action })),
      ...(r.rejected ? { rejected: { rule: r.rejected.rule, reason: r.rejected.message } } : {}),
    };
  };
  return createMcpGateway({
    config: () => d.config(),
    deps: {
      tracer: d.tracer,
      logger: d.logger,
      now: d.now,
      secrets: d.secrets,
      authenticate: (headers) => d.identity.authenticate(headers, d.config()),
      authorizeTool: (who, ref) => d.identity.canUseTool(who as Identity, ref.server, ref.tool, d.config()),
      checkToolLimit: (who, ref) => {
        try {
          d.budgets.checkToolRate(who as Identity, ref.server, ref.tool, d.config());
          return { allowed: true };
        } catch (err) {
          const retryAfterMs = (err as { retryAfterMs?: number }).retryAfterMs;
          return { allowed: false, limit: 'tool-rate', reason: (err as Error).message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
        }
      },
      chargeToolCall: (who, ref) => {
        const attrs = d.budgets.chargeToolCall(who as Identity, ref.server, ref.tool, undefined, d.config());
        const cost = attrs['sluice.cost'];
        const name = attrs['sluice.budget.name'];
        return { ...(typeof cost === 'number' ? { costMicroUsd: cost } : {}), ...(typeof name === 'string' ? { budgetName: name } : {}) };
      },
      guardToolArguments: guard('request'),
      guardToolResult: guard('response'),
    },
  });
}
