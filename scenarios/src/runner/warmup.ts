import type { Agent } from '../schema.js';
import { mcpToolsUsed, modelsUsed } from '../format/walk-steps.js';
import { callChat } from './llm-call.js';
import type { RunDeps } from './run-context.js';

/**
 * Before the clock starts: open each agent's MCP session (and list its tools), and send one
 * one-token call per model, so connection setup and the gateway's cold paths do not land in
 * the first runs' latencies. Warm-up calls carry the run id `warmup-<execution>` (outside the
 * execution's run ids) and are not recorded.
 */
export async function warmUp(deps: RunDeps, agents: readonly Agent[], execution: string): Promise<void> {
  await Promise.allSettled(
    agents.filter((a) => mcpToolsUsed([a]).size > 0).map(async (a) => deps.mcp(a)?.tools()),
  );
  const firstUser = new Map<string, Agent>();
  for (const a of agents) for (const m of modelsUsed([a])) if (!firstUser.has(m)) firstUser.set(m, a);
  await Promise.allSettled(
    [...firstUser].map(([model, agent]) =>
      callChat(
        deps.pool,
        {
          path: `${deps.apiPrefix}/chat/completions`,
          body: { model, messages: [{ role: 'user', content: 'warm-up' }], max_tokens: 1 },
          headers: { ...deps.identityHeaders(agent), 'x-sluice-scenario': deps.scenario, 'x-sluice-run-id': `warmup-${execution}`, 'x-sim-fault': 'output-tokens=1' },
          stream: false,
          intendedStartMs: deps.now(),
          timeoutMs: Math.min(deps.callTimeoutMs, 30_000),
        },
        deps.now,
      ),
    ),
  );
}
