import type { Agent } from '../schema.js';
import type { LlmApi } from '../format/step-schema.js';
import { mcpToolsUsed, walkSteps } from '../format/walk-steps.js';
import { callLlm } from './llm-wire.js';
import type { RunDeps } from './run-context.js';

/**
 * Before the clock starts: open each agent's MCP session (and list its tools), and send one
 * one-token call per model and wire API the steps use, so connection setup and the gateway's
 * cold paths (the Anthropic front's translators included) do not land in the first runs'
 * latencies. Warm-up calls carry the run id `warmup-<execution>` (outside the execution's run
 * ids) and are not recorded.
 */
export async function warmUp(deps: RunDeps, agents: readonly Agent[], execution: string): Promise<void> {
  await Promise.allSettled(
    agents.filter((a) => mcpToolsUsed([a]).size > 0).map(async (a) => deps.mcp(a)?.tools()),
  );
  const firstUser = new Map<string, { model: string; api: LlmApi; agent: Agent }>();
  for (const agent of agents) {
    for (const step of walkSteps(agent.steps)) {
      if (!step.llm) continue;
      const api = step.llm.api ?? agent.api;
      const key = `${api} ${step.llm.model}`;
      if (!firstUser.has(key)) firstUser.set(key, { model: step.llm.model, api, agent });
    }
  }
  await Promise.allSettled(
    [...firstUser.values()].map(({ model, api, agent }) =>
      callLlm(
        api,
        deps.pool,
        deps.apiPrefix,
        {
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
