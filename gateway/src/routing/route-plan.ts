import type { ModelGroupConfig, Strategy } from '../config/sections/models.js';
import { inputCountOf } from '../metering/input-count.js';
import type { RequestCtx, Target } from '../pipeline/context.js';
import { compileRules, selectTargets } from './group-rules.js';
import { orderTargets } from './order-targets.js';
import { latencyScore } from './p2c-pick.js';
import { requestFacts, requestedOutputTokens } from './request-facts.js';
import type { ResolvedModel } from './resolve-model.js';
import { contextTooLarge, type SkippedTarget } from './routing-errors.js';
import { type EffectiveRouting, effectiveRouting } from './settings.js';
import { estimatedCostMicroUsd, targetPrice } from './target-price.js';
import type { TargetRegistry, TokenNeed } from './target-registry.js';

/** How one request will be routed: the candidates in order, before health is looked at. */
export interface RoutePlan {
  groupName: string;
  group: ModelGroupConfig;
  /** The group's targets, config order. */
  targets: readonly Target[];
  settings: EffectiveRouting;
  /** Candidate indexes in the order they are tried. */
  order: readonly number[];
  rule: string | undefined;
  strategy: Strategy;
  /** Passed over for the request's size (not a failover). */
  skipped: SkippedTarget[];
  /** Input tokens + requested max output: the byte bound, and the count (once, on first use). */
  need: TokenNeed;
}

export interface PlanDeps {
  registry: TargetRegistry;
  now: () => number;
  random: () => number;
}

/**
 * Plans a request: rules pick the targets, targets whose context window cannot hold the
 * request are passed over (400 when none can), and the strategy orders the rest.
 */
export function planRoute(ctx: RequestCtx, resolved: ResolvedModel, deps: PlanDeps): RoutePlan {
  const { group, targets } = resolved;
  const settings = effectiveRouting(ctx.config.routing, group);
  const facts = requestFacts(ctx);
  const sel = selectTargets(compileRules(resolved.name, group), group, facts);
  // Sized only when a window, quota or cost asks (the bound walks every text of the body).
  const output = requestedOutputTokens(ctx.body);
  const need: TokenNeed = { atMost: () => inputCountOf(ctx).upperBound + output, exact: () => inputCountOf(ctx).exact() + output };

  const skipped: SkippedTarget[] = [];
  const fits = (i: number): boolean => {
    const window = targets[i].contextWindow;
    // An agent's long history is counted only when its bytes come near a window.
    if (window === undefined || need.atMost() <= window || need.exact() <= window) return true;
    skipped.push({ id: targets[i].id, reason: 'context_window' });
    return false;
  };
  const primary = sel.primary.filter(fits);
  const fallback = sel.fallback.filter(fits);
  if (primary.length + fallback.length === 0 && skipped.length > 0) {
    throw contextTooLarge(resolved.name, need.exact(), Math.max(...targets.map((t) => t.contextWindow ?? 0)));
  }

  const nowMs = deps.now();
  const { decayMs, errorPenaltyMs } = settings.leastLatency;
  const outputGuess = requestedOutputTokens(ctx.body) || settings.leastCost.assumedOutputTokens;
  const inputs = {
    weightOf: (i: number) => targets[i].weight,
    scoreOf: (i: number) => {
      const id = targets[i].id;
      const h = deps.registry.peek(id);
      return latencyScore(deps.registry.latencyMs(id, ctx.stream, decayMs, nowMs), h?.inFlight ?? 0, deps.registry.errorRate(id, decayMs, nowMs), errorPenaltyMs);
    },
    costOf: (i: number, inputTokens: number) => estimatedCostMicroUsd(targetPrice(ctx.config, group.targets[i], targets[i], ctx.model), inputTokens, outputGuess),
    inputTokens: { atMost: () => inputCountOf(ctx).upperBound, exact: () => inputCountOf(ctx).exact() },
    random: deps.random,
  };
  const order = [...orderTargets(primary, sel.strategy, inputs), ...orderTargets(fallback, group.strategy, inputs)];
  return { groupName: resolved.name, group, targets, settings, order, rule: sel.rule, strategy: sel.strategy, skipped, need };
}
