import { SLUICE } from '../../../collector/src/model/semconv.js';
import type { RequestCtx } from '../pipeline/context.js';
import type { RoutePlan } from './route-plan.js';
import type { SkippedTarget } from './routing-errors.js';

/** What the failover loop saw, for the request's span. */
export interface FailoverRecord {
  attempts: number;
  /** Target ids in the order attempts started (hedges included). */
  path: string[];
  skipped: Map<string, SkippedTarget>;
  /** Why the request left its preferred target: the first failure or skip reason. */
  reason: string | undefined;
  /** Index of the target that answered. */
  servedBy: number | undefined;
}

/**
 * Puts routing facts on the request's SERVER span attributes: attempts, the failover path,
 * why it failed over, whether a backup served it (anything other than the plan's first
 * pick, so a Grafana panel can count "served by a backup"), skipped targets, rule, strategy.
 */
export function recordFailover(ctx: RequestCtx, plan: RoutePlan, rec: FailoverRecord): void {
  ctx.attrs[SLUICE.ATTEMPTS] = rec.attempts;
  ctx.attrs[SLUICE.ROUTING_STRATEGY] = plan.strategy;
  if (plan.rule) ctx.attrs[SLUICE.ROUTING_RULE] = plan.rule;
  if (rec.path.length > 0) ctx.attrs[SLUICE.FAILOVER_PATH] = rec.path;
  const failoverSkips = [...rec.skipped.values()].filter((s) => s.reason !== 'context_window');
  const preferred = plan.order[0];
  const movedOn = rec.attempts > 1 || failoverSkips.length > 0 || (rec.servedBy !== undefined && rec.servedBy !== preferred);
  if (rec.reason && movedOn) ctx.attrs[SLUICE.FAILOVER_REASON] = rec.reason;
  if (rec.servedBy !== undefined) ctx.attrs[SLUICE.SERVED_BY_BACKUP] = rec.servedBy !== preferred;
  if (rec.skipped.size > 0) ctx.attrs[SLUICE.FAILOVER_SKIPPED] = [...rec.skipped.values()].map((s) => `${s.id}:${s.reason}`);
}
