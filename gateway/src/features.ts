import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { SpanStore } from '../../collector/src/index.js';
import type { GatewayFeatures } from './app.js';
import type { SecretSource } from './config/secret-ref.js';
import { createBudgets } from './budget/index.js';
import { createCache } from './cache/index.js';
import type { Config } from './config/schema.js';
import { createGuardrails } from './guardrails/index.js';
import { createIdentity } from './identity/index.js';
import { createWiredMcpGateway } from './mcp-wiring.js';
import { createRoutingEngine } from './routing/index.js';

export interface FeatureDeps {
  now: () => number;
  logger: Logger;
  secrets: SecretSource;
  store: SpanStore | undefined;
  /** The config currently served (for background work such as budget sync). */
  config: () => Config;
  tracer: Tracer;
}

export interface BuiltFeatures {
  features: GatewayFeatures;
  /** Loads state that must survive restarts (budget spend) and starts background work. */
  start(): Promise<void>;
  /** Tells long-lived parts that a new config is being served (MCP upstreams). */
  reload(): void;
  /** Stops background work (budget sync, health checks, MCP upstreams, …). */
  close(): Promise<void>;
}

/**
 * The features every `sluice serve` runs with, each holding its long-lived state (JWKS
 * sets, ledgers, breakers, caches) across config reloads.
 */
export function createDefaultFeatures(deps: FeatureDeps): BuiltFeatures {
  const identity = createIdentity({ now: () => Date.now(), logger: deps.logger, secrets: deps.secrets });
  const guardrails = createGuardrails({ now: deps.now, logger: deps.logger, secrets: deps.secrets });
  // Budgets keep wall-clock time: their windows are calendar hours, days and months.
  const budgets = createBudgets({ now: () => Date.now(), logger: deps.logger, store: deps.store, getConfig: deps.config });
  // Wall clock: cache expiry times are shared with other replicas through ClickHouse.
  const cache = createCache({ now: () => Date.now(), logger: deps.logger, store: deps.store, secrets: deps.secrets });
  const mcp = createWiredMcpGateway({ config: deps.config, identity, budgets, guardrails, tracer: deps.tracer, logger: deps.logger, now: deps.now, secrets: deps.secrets });
  let routing: ReturnType<typeof createRoutingEngine> | undefined;
  const features: GatewayFeatures = {
    // Identification runs before the body is read (admit), the rest as stages.
    admit: identity.admit,
    stages: {
      authorize: identity.authorize,
      template: guardrails.template,
      guardRequest: guardrails.guardRequest,
      rateLimit: budgets.rateLimit,
      budget: budgets.budget,
      cache: cache.stage,
      guardResponse: guardrails.guardResponse,
    },
    getRoutes: { '/v1/budgets': budgets.budgetsHandler },
    mcp,
    terminal: (attemptDeps) => {
      routing = createRoutingEngine({ ...attemptDeps, now: deps.now, logger: deps.logger });
      return routing.terminal;
    },
    authenticate: (headers, config) => identity.authenticate(headers, config),
    visibleModels: (who, config) => (who ? identity.visibleModels(who, config) : []),
    credentialFor: (ctx, provider) => identity.credentialFor(ctx, provider),
  };
  return {
    features,
    async start() {
      if (deps.store) {
        await budgets.loadFromStore(deps.config()).catch((err: unknown) => deps.logger.error({ err }, 'could not load budget spend from the store; starting from what syncs later'));
        budgets.startSync();
      } else if (deps.config().budgets.replicas !== 1 || deps.config().rateLimits.replicas === 'auto') {
        deps.logger.warn('budgets.replicas and rateLimits.replicas: auto need a store (collector disabled): each replica enforces whole limits');
      }
    },
    // A rejection here would end the process (reload runs detached from the config swap).
    reload: () => {
      mcp.reload().catch((err: unknown) => deps.logger.error({ err }, 'MCP reload failed; upstreams keep their previous state'));
    },
    close: async () => {
      routing?.close();
      await budgets.stop();
      await mcp.close();
      await cache.close();
    },
  };
}

/** Per-slot override: `extra` replaces what it names and keeps the rest. */
export function mergeFeatures(base: GatewayFeatures, extra: GatewayFeatures | undefined): GatewayFeatures {
  if (!extra) return base;
  return {
    ...base,
    ...extra,
    // A custom identify stage replaces the built-in identification (which runs as admit).
    admit: extra.admit ?? (extra.stages?.identify ? undefined : base.admit),
    stages: { ...base.stages, ...extra.stages },
    getRoutes: { ...base.getRoutes, ...extra.getRoutes },
    readiness: [...(base.readiness ?? []), ...(extra.readiness ?? [])],
  };
}
