import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { Cancellation } from '../pipeline/cancellation.js';
import type { RequestCtx, Target } from '../pipeline/context.js';
import { callProvider } from '../upstream/call-provider.js';
import type { AttemptDeps } from './attempt.js';
import { resolveModel } from './resolve-model.js';
import { effectiveRouting } from './settings.js';
import type { TargetRegistry } from './target-registry.js';

export interface HealthChecker {
  /** Follows the config requests run with (a reload starts, stops or re-times the checks). */
  observe(config: Config): void;
  /** Runs one round now (tests, `sluice` admin); resolves when it is done. */
  runRound(): Promise<number>;
  close(): void;
}

/**
 * Optional active health checks: on an interval, a one-token chat call to each target
 * (every target, or only those the breaker ejected), a few at a time and a bounded number
 * per round. A success closes an ejected target's breaker early; a failure counts against
 * it. Only exact model names are checked (a `prefix/*` group has no model to ask for).
 * No spans: checks are not traffic.
 */
export function createHealthChecker(deps: AttemptDeps, registry: TargetRegistry, now: () => number, logger: Logger): HealthChecker {
  let config: Config | undefined;
  let timer: NodeJS.Timeout | undefined;
  let intervalMs = 0;
  let round: Promise<number> | undefined;

  const schedule = () => {
    const hc = config?.routing.healthChecks;
    if (!hc?.enabled) return stop();
    if (timer && intervalMs === hc.intervalMs) return;
    stop();
    intervalMs = hc.intervalMs;
    timer = setInterval(() => void runRound(), hc.intervalMs);
    timer.unref();
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };

  function targetsToCheck(cfg: Config): Array<{ target: Target; group: string }> {
    const seen = new Map<string, { target: Target; group: string }>();
    for (const name of Object.keys(cfg.models)) {
      if (name.endsWith('/*')) continue;
      for (const target of resolveModel(cfg, name)?.targets ?? []) if (!seen.has(target.id)) seen.set(target.id, { target, group: name });
    }
    const mode = cfg.routing.healthChecks.targets;
    const list = [...seen.values()].filter(({ target }) => mode === 'all' || (registry.peek(target.id)?.breaker.phase ?? 'closed') !== 'closed');
    return list.slice(0, cfg.routing.healthChecks.maxTargets);
  }

  async function check(cfg: Config, target: Target, group: string): Promise<void> {
    const ctx = healthCtx(cfg, target, now);
    const provider = deps.providers(ctx).get(target.provider);
    if (!provider) return;
    const settings = effectiveRouting(cfg.routing, cfg.models[group]);
    const wasProbe = registry.peek(target.id)?.breaker.phase !== 'closed';
    const t0 = now();
    try {
      await callProvider(ctx, provider, target, { signal: ctx.signal, traceHeaders: {}, credential: provider.nextKey() });
      registry.succeeded(target.id, 'json', now() - t0, wasProbe, settings, settings.breaker, now());
    } catch (err) {
      registry.failed(target.id, false, settings, settings.breaker, now());
      logger.debug({ target: target.id, err: (err as Error).message }, 'health check failed');
    }
  }

  function runRound(): Promise<number> {
    const cfg = config;
    if (!cfg?.routing.healthChecks.enabled) return Promise.resolve(0);
    if (round) return round;
    const queue = targetsToCheck(cfg);
    const total = queue.length;
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await check(cfg, next.target, next.group);
    };
    round = Promise.all(Array.from({ length: Math.min(cfg.routing.healthChecks.concurrency, total) }, worker)).then(() => total);
    return round.finally(() => (round = undefined));
  }

  return {
    observe(next) {
      if (next === config) return;
      config = next;
      schedule();
    },
    runRound,
    close: stop,
  };
}

/** A health check's cancellation: aborted at its timeout. */
function cancelAfter(timeoutMs: number): { cancel: Cancellation; signal: AbortSignal } {
  const signal = AbortSignal.timeout(timeoutMs);
  return { cancel: Cancellation.following(signal), signal };
}

/** A minimal request context for a health check: one user token in, one token out, no stream. */
function healthCtx(config: Config, target: Target, now: () => number): RequestCtx {
  return {
    requestId: 'sluice-health-check',
    api: 'openai',
    operation: 'chat',
    path: '/health-check',
    headers: {},
    config,
    ...cancelAfter(config.routing.healthChecks.timeoutMs),
    receivedAtMs: now(),
    now,
    body: { model: target.upstreamModel, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 },
    model: target.upstreamModel,
    stream: false,
    attrs: {},
    events: [],
    responseHeaders: {},
    span: undefined,
  };
}
