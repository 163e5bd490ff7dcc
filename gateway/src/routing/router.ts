import { performance } from 'node:perf_hooks';
import { type Logger, pino } from 'pino';
import { GatewayError } from '../errors.js';
import type { RequestCtx } from '../pipeline/context.js';
import type { Outcome } from '../pipeline/outcome.js';
import type { Terminal } from '../pipeline/stage.js';
import type { AttemptDeps } from './attempt.js';
import { runFailover } from './failover-loop.js';
import { type HealthChecker, createHealthChecker } from './health-checker.js';
import { resolveModel } from './resolve-model.js';
import { planRoute } from './route-plan.js';
import { TargetRegistry } from './target-registry.js';

export interface RouterDeps extends AttemptDeps {
  /** Monotonic clock, ms (target health, latency, bench times). */
  now: () => number;
  /** [0, 1) — weighted picks, power of two choices, backoff jitter. Default Math.random. */
  random?: () => number;
  logger: Logger;
  /** Target state to use (kept across routers, e.g. by a bench); a fresh one by default. */
  registry?: TargetRegistry;
}

/** The router plus the state it keeps, for tests, benches and admin endpoints. */
export interface RoutingEngine {
  terminal: Terminal;
  registry: TargetRegistry;
  health: HealthChecker;
  /** Stops the health-check timer. */
  close(): void;
}

/**
 * The routing terminal: resolves the model group, applies its rules and strategy, and runs
 * attempts with failover, retries, breakers, quota awareness and hedging. Target state
 * lives in one registry for the router's lifetime, so it survives config reloads; the
 * config itself is read from each request.
 */
export function createRoutingEngine(deps: RouterDeps): RoutingEngine {
  const registry = deps.registry ?? new TargetRegistry();
  const random = deps.random ?? Math.random;
  const health = createHealthChecker(deps, registry, deps.now, deps.logger);
  const env = { deps, registry, now: deps.now, random };
  async function route(ctx: RequestCtx): Promise<Outcome> {
    health.observe(ctx.config);
    const resolved = resolveModel(ctx.config, ctx.model);
    if (!resolved) throw modelNotFound(ctx.model);
    const plan = planRoute(ctx, resolved, { registry, now: deps.now, random });
    return runFailover(ctx, plan, env);
  }
  return { terminal: route, registry, health, close: () => health.close() };
}

/** `createRoutingEngine(deps).terminal`, for `GatewayFeatures.terminal`. */
export function createRouter(deps: RouterDeps): Terminal {
  return createRoutingEngine(deps).terminal;
}

/** The default terminal of the app (`features.terminal` unset): the router with a monotonic clock and a silent logger. */
export function createDefaultRouter(deps: AttemptDeps): Terminal {
  return createRouter({ ...deps, now: () => performance.now(), logger: pino({ level: 'silent' }) });
}

export function modelNotFound(model: string): GatewayError {
  return new GatewayError('GW_MODEL_NOT_FOUND', `The model '${model}' does not exist or is not served by this gateway`, {
    clientCode: 'model_not_found', param: 'model',
  });
}
