import type { SpanStore } from '../../../collector/src/index.js';
import type { Config } from '../config/schema.js';
import type { AttrValue, Identity } from '../pipeline/context.js';
import type { Stage } from '../pipeline/stage.js';
import { rateLimitStage } from '../ratelimit/rate-limit-stage.js';
import { RateLimiter } from '../ratelimit/rate-limiter.js';
import { checkToolRate, type ToolRateTicket } from '../ratelimit/tool-rate.js';
import { budgetStage } from './budget-stage.js';
import { budgetsHandler, type BudgetListing } from './budgets-handler.js';
import { BudgetLedger } from './ledger.js';
import { type ReplicaRegistry, storeReplicaRegistry } from './replica-registry.js';
import { StoreSync } from './store-sync.js';
import { chargeToolCall, reserveToolCall, type ToolCallHold } from './tool-calls.js';
import { storeUsageSource, type UsageSource } from './usage-source.js';

/** The logging the budgets need (pino's Logger fits). */
export interface BudgetLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface BudgetsDeps {
  /** Wall clock, epoch ms (calendar windows need real dates: not `performance.now`). */
  now: () => number;
  logger: BudgetLogger;
  /** The shared store; without one, spend lives in memory only (lost on restart). */
  store?: Pick<SpanStore, 'info' | 'query' | 'command' | 'insertJsonEachRow'>;
  /** Or any other source of persisted spend (tests, benches). */
  usageSource?: UsageSource;
  /** Where `budgets.replicas: auto` counts the replicas (default: the store). */
  replicaRegistry?: ReplicaRegistry;
  /** The current config, for the background sync (requests use their own snapshot). */
  getConfig?: () => Config;
}

export interface Budgets {
  ledger: BudgetLedger;
  limiter: RateLimiter;
  rateLimit: Stage;
  budget: Stage;
  /** `GET /v1/budgets` (fits `GatewayFeatures.getRoutes`). */
  budgetsHandler: (identity: Identity | undefined, config: Config) => BudgetListing;
  /** Reads the current windows' spend from the store (call before serving). */
  loadFromStore(config?: Config): Promise<void>;
  /** One refresh from the store (what the timer runs). */
  syncOnce(config?: Config): Promise<void>;
  /** Refreshes from the store every `budgets.syncIntervalMs` until `stop()`. */
  startSync(): void;
  stop(): Promise<void>;
  chargeToolCall(identity: Identity, server: string, tool: string, costMicroUsd?: number, config?: Config): Record<string, AttrValue>;
  reserveToolCall(identity: Identity, server: string, tool: string, costMicroUsd?: number, config?: Config): ToolCallHold;
  checkToolRate(identity: Identity, server: string, tool: string, config?: Config): ToolRateTicket;
}

const DEFAULT_SYNC_INTERVAL_MS = 5_000;

const countsReplicas = (cfg: Config): boolean => cfg.budgets.replicas === 'auto' || cfg.rateLimits.replicas === 'auto';

/**
 * Budgets and rate limits: long-lived state (ledger, limiter, store sync) that survives config
 * reloads; every request reads its own config snapshot from `ctx.config`.
 */
export function createBudgets(deps: BudgetsDeps): Budgets {
  const ledger = new BudgetLedger({ now: deps.now });
  const limiter = new RateLimiter({ now: deps.now });
  const source = deps.usageSource ?? (deps.store ? storeUsageSource(deps.store) : undefined);
  const registry = deps.replicaRegistry ?? (deps.store ? storeReplicaRegistry(deps.store) : undefined);
  const sync = source ? new StoreSync(ledger, source, registry) : undefined;
  // Without getConfig, the background sync follows the config of the latest request.
  let lastSeen: Config | undefined;
  const current = (c?: Config): Config | undefined => c ?? deps.getConfig?.() ?? lastSeen;
  const configOf = (c: Config | undefined): Config => {
    const cfg = current(c);
    if (!cfg) throw new Error('createBudgets: pass a config (or getConfig) before the first request');
    return cfg;
  };
  const budget = budgetStage(ledger);
  // `replicas: auto` (budgets or rate limits): the count the store sync keeps.
  const liveReplicas = () => sync?.counted ?? 1;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const syncOnce = async (config?: Config) => {
    const cfg = current(config);
    if (!sync || !cfg) return;
    await sync.refresh(cfg.budgets, 'sync', countsReplicas(cfg));
  };

  const schedule = () => {
    if (stopped || !sync) return;
    const intervalMs = current()?.budgets.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
    timer = setTimeout(() => {
      running = syncOnce()
        .catch((err: unknown) => deps.logger.warn({ err }, 'budget sync from the store failed; using the last totals'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, intervalMs);
    timer.unref();
  };

  return {
    ledger,
    limiter,
    rateLimit: rateLimitStage(limiter, liveReplicas),
    budget: function budgetWithConfig(ctx, next) {
      lastSeen = ctx.config;
      return budget(ctx, next);
    },
    budgetsHandler: budgetsHandler(ledger),
    async loadFromStore(config) {
      if (!sync) return;
      const cfg = configOf(config);
      await sync.refresh(cfg.budgets, 'load', countsReplicas(cfg));
      deps.logger.info({ budgets: cfg.budgets.rules.length, counters: ledger.entries().length }, 'budget spend loaded from the store');
    },
    syncOnce,
    startSync() {
      stopped = false;
      if (timer === undefined) schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
    chargeToolCall: (identity, server, tool, cost, config) => chargeToolCall(ledger, configOf(config), identity, server, tool, cost),
    reserveToolCall: (identity, server, tool, cost, config) => reserveToolCall(ledger, configOf(config), identity, server, tool, cost),
    checkToolRate: (identity, server, tool, config) => checkToolRate(limiter, configOf(config), identity, server, tool, liveReplicas),
  };
}
