import { createServer } from 'node:net';
import { join } from 'node:path';
import OpenAI from 'openai';
import { pino } from 'pino';
import { CollectorConfigSchema, type CollectorProcess, silentLogger, StoreConfigSchema, startCollectorProcess } from '../../collector/src/index.js';
import { createBudgets, type Budgets } from '../../gateway/src/budget/index.js';
import { parseConfig } from '../../gateway/src/config/load.js';
import type { Config, ConfigInput } from '../../gateway/src/config/schema.js';
import { createIdentity, hashVirtualKey } from '../../gateway/src/identity/index.js';
import { type RunningGateway, startGateway } from '../../gateway/src/main.js';
import type { Identity } from '../../gateway/src/pipeline/context.js';
import { createGatewayTelemetry, type GatewayTelemetry } from '../../gateway/src/telemetry/tracer-provider.js';
import { createMcpGateway, type GuardOutcome, type McpGateway } from '../../mcp/src/index.js';
import { type SimHandle, startSimServer } from '../../scenarios/src/sim/index.js';

/** Agents with virtual keys, by team. */
export const AGENTS = { alice: 'research', bob: 'research', carol: 'ops' } as const;
export type Agent = keyof typeof AGENTS;
export const keyOf = (agent: Agent): string => `sk-sluice-dash-${agent}-0123456789abcdef0123456789abcdef`;

const SIM_KEY = 'sk-sim-dashboards-test-0123456789';
const SIM_HEADERS = ['x-sim-fault', 'x-sim-seed'];

/** A port nothing listens on (a provider that refuses connections: failover data). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * The gateway config of the workload: three agents with virtual keys, a fast and a
 * realistic model, a second provider, a failover group whose first target is down, a policy
 * that keeps ops off one model and one tool, budgets (one tiny), a rate limit, and the
 * simulated MCP server with pinned (blocking) tool definitions.
 */
export function stackConfig(simUrl: string, downPort: number, dir: string, collectorUrl: string): ConfigInput {
  const provider = (name: string, baseUrl: string, providerName?: string) => ({
    name,
    kind: 'openai' as const,
    baseUrl,
    apiKey: { env: 'SIM_KEY' },
    forwardHeaders: SIM_HEADERS,
    ...(providerName ? { providerName } : {}),
    timeouts: { connectMs: 1_000, firstByteMs: 10_000, totalMs: 20_000 },
  });
  return {
    server: { dataDir: dir },
    telemetry: { enabled: true, serviceName: 'sluice-gateway', otlpEndpoint: `${collectorUrl}/v1/traces`, batch: { scheduledDelayMs: 50 } },
    collector: { enabled: false },
    auth: {
      teams: { research: {}, ops: {} },
      virtualKeys: (Object.keys(AGENTS) as Agent[]).map((agent) => ({ id: `k-${agent}`, hash: hashVirtualKey(keyOf(agent)), agent, team: AGENTS[agent] })),
    },
    providers: [provider('sim', `${simUrl}/v1`), provider('sim-eu', `${simUrl}/v1`, 'mistral_ai'), provider('sim-down', `http://127.0.0.1:${downPort}/v1`)],
    models: {
      'sim-fast': { provider: 'sim', model: 'sim-fast' },
      'sim-realistic': { provider: 'sim', model: 'sim-realistic' },
      'sim-eu': { provider: 'sim-eu', model: 'sim-fast' },
      'sim-ha': { targets: [{ provider: 'sim-down', model: 'sim-fast' }, { provider: 'sim', model: 'sim-fast' }] },
    },
    policies: {
      default: 'allow',
      rules: [{ name: 'ops-stays-home', match: { team: 'ops' }, deny: { models: ['sim-eu'], tools: ['sim/lookup_customer'] } }],
    },
    budgets: {
      rules: [
        { name: 'daily-per-agent', per: 'agent', limitUsd: 5, window: 'daily' },
        { name: 'carol-realistic', per: 'agent', match: { agent: 'carol', model: 'sim-realistic' }, limitUsd: 0.0005, window: 'daily' },
      ],
      pricing: {
        models: { 'sim-fast': { inputUsdPerMTok: 10, outputUsdPerMTok: 30 }, 'sim-realistic': { inputUsdPerMTok: 20, outputUsdPerMTok: 60 } },
        tools: { 'sim/*': { usdPerCall: 0.001 } },
      },
    },
    rateLimits: { rules: [{ name: 'bob-3-per-minute', per: 'agent', match: { agent: 'bob' }, requests: 3, period: 'minute' }] },
    mcp: {
      upstreams: [{ name: 'sim', kind: 'sim', pinTools: 'block', sim: { seed: 3, tools: { search: { latencyMs: 15 }, fetch_document: { latencyMs: 5 } } } }],
    },
  };
}

export interface ObservedStack {
  sim: SimHandle;
  collector: CollectorProcess;
  gw: RunningGateway;
  mcp: McpGateway;
  telemetry: GatewayTelemetry;
  config: Config;
  openai(agent: Agent): OpenAI;
  /** Exports every finished span and waits until the collector has stored it. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A test guard for tool results: masks e-mail addresses (the guardrails feature is not yet wired into MCP). */
function maskEmails(value: Record<string, unknown>): GuardOutcome {
  const text = JSON.stringify(value);
  const masked = text.replace(/[\w.+-]+@[\w-]+\.[\w.]+/g, '[email]');
  return masked === text ? { value, hits: [] } : { value: JSON.parse(masked) as unknown, hits: [{ rule: 'pii.email', action: 'mask' }] };
}

/**
 * The real parts, wired as `sluice serve` plus a separate `sluice collector` would be: the
 * simulator, an OTLP collector on a temp chDB store, the gateway (identity, rate limits,
 * budgets) exporting to it, and the MCP gateway mounted on the gateway with the same tracer.
 */
export async function startObservedStack(dir: string): Promise<ObservedStack> {
  const logger = pino({ level: 'silent' });
  const sim = await startSimServer({ seed: 11 } as Parameters<typeof startSimServer>[0]);
  const collector = await startCollectorProcess({
    collector: CollectorConfigSchema.parse({ port: 0, batch: { flushMs: 100 }, spool: { dir: join(dir, 'spool') } }),
    store: StoreConfigSchema.parse({ mode: 'embedded', path: join(dir, 'chdb'), database: 'otel' }),
    dataDir: dir,
    env: {},
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
  });
  const input = stackConfig(sim.url, await closedPort(), dir, collector.url);
  const parsed = parseConfig(input);
  if (!parsed.ok) throw new Error(`workload config invalid: ${JSON.stringify(parsed.issues)}`);
  const config = parsed.config;
  const telemetry = createGatewayTelemetry(config.telemetry, {}, undefined);
  const identity = createIdentity({ now: Date.now, logger });
  const budgets: Budgets = createBudgets({ now: Date.now, logger, getConfig: () => config });
  const mcp = createMcpGateway({
    config: () => ({ mcp: config.mcp, server: config.server }),
    deps: {
      tracer: telemetry.tracer,
      authenticate: (headers) => identity.authenticate(headers, config),
      authorizeTool: (who, ref) => identity.canUseTool(who as Identity, ref.server, ref.tool, config),
      checkToolLimit: (who, ref) => {
        try {
          budgets.checkToolRate(who as Identity, ref.server, ref.tool, config);
          return { allowed: true };
        } catch (err) {
          return { allowed: false, limit: 'tool-rate', reason: (err as Error).message };
        }
      },
      chargeToolCall: (who, ref) => {
        const attrs = budgets.chargeToolCall(who as Identity, ref.server, ref.tool, undefined, config);
        const cost = attrs['sluice.cost'];
        const name = attrs['sluice.budget.name'];
        return { ...(typeof cost === 'number' ? { costMicroUsd: cost } : {}), ...(typeof name === 'string' ? { budgetName: name } : {}) };
      },
      guardToolResult: (value) => maskEmails(value),
    },
  });
  const gw = await startGateway({
    config: input,
    port: 0,
    host: '127.0.0.1',
    env: { SIM_KEY },
    logger,
    telemetry,
    features: {
      stages: { rateLimit: budgets.rateLimit, budget: budgets.budget },
      getRoutes: { '/v1/budgets': budgets.budgetsHandler },
      mcp,
    },
  });
  return {
    sim,
    collector,
    gw,
    mcp,
    telemetry,
    config,
    openai: (agent) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: keyOf(agent), maxRetries: 0, timeout: 20_000 }),
    async flush() {
      await telemetry.forceFlush();
      await collector.collector.flush();
    },
    async close() {
      await budgets.stop();
      await gw.close();
      await mcp.close();
      await collector.close();
      await sim.close();
    },
  };
}
