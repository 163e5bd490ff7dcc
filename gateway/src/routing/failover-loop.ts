import type { AttemptDeps, AttemptInfo } from './attempt.js';
import { type AttemptEnv, type AttemptFailed, type RunningAttempt, startAttempt } from './attempt-runner.js';
import { backoffDelayMs } from './backoff.js';
import { failureKind, retriesSameTarget } from './failure-kind.js';
import { type FailoverRecord, recordFailover } from './failover-attrs.js';
import { RaceLost, raceWithHedges } from './hedge-race.js';
import type { RoutePlan } from './route-plan.js';
import { deadlineExceeded, noHealthyTarget } from './routing-errors.js';
import type { TargetRegistry } from './target-registry.js';
import { type GatewayError, errorTypeOf } from '../errors.js';
import type { Cancellation } from '../pipeline/cancellation.js';
import type { RequestCtx } from '../pipeline/context.js';
import type { Outcome } from '../pipeline/outcome.js';

export interface FailoverEnv {
  deps: AttemptDeps;
  registry: TargetRegistry;
  now: () => number;
  random: () => number;
}

interface Tried {
  attempts: number;
  /** May be tried again in this request (after backoff / its Retry-After). */
  retriable: boolean;
  notBeforeMs: number;
}

/**
 * Runs a planned request: tries candidates in plan order, skipping ejected or exhausted
 * targets; after a retryable failure moves on at once to the next untried target, and
 * retries an already tried one only after exponential backoff (or its Retry-After); starts
 * TTFT hedges when enabled; stops at the attempt budget or the deadline. Client faults are
 * returned at once; a context-length error fails over only to a larger context window.
 */
export async function runFailover(ctx: RequestCtx, plan: RoutePlan, env: FailoverEnv): Promise<Outcome> {
  const { settings, targets } = plan;
  const { registry, now } = env;
  // The deadline runs on the request's clock (`ctx.now`, from receipt); target state on the router's.
  const deadlineAtMs = ctx.receivedAtMs + settings.deadlineMs;
  const attemptEnv: AttemptEnv = { ctx, deps: env.deps, registry, settings, now, deadlineAtMs };
  const rec: FailoverRecord = { attempts: 0, path: [], skipped: new Map(plan.skipped.map((s) => [s.id, s])), reason: undefined, servedBy: undefined };
  const tried = new Map<number, Tried>();
  /** Indexes an attempt was started on (a hedge never goes to one of these). */
  const started = new Set<number>();
  let allowed = new Set(plan.order);
  let retries = 0;
  let lastError: GatewayError | undefined;

  const skip = (i: number, reason: string, untilMs?: number) => {
    const id = targets[i].id;
    if (!rec.skipped.has(id)) rec.skipped.set(id, { id, reason, untilMs });
    rec.reason ??= reason;
  };

  /** Next untried candidate that may take a request now. */
  const nextUntried = (): number | undefined => {
    for (const i of plan.order) {
      if (started.has(i) || tried.has(i) || !allowed.has(i)) continue;
      const u = registry.unavailable(targets[i].id, settings, settings.breaker, now(), plan.need);
      if (u) skip(i, u.reason, u.untilMs);
      else return i;
    }
    return undefined;
  };

  /** Next candidate and how long to wait first: an untried one at once, else the earliest retry. */
  const chooseNext = (): { index: number; waitMs: number } | undefined => {
    if (rec.attempts >= settings.retry.maxAttempts) return undefined;
    const fresh = nextUntried();
    if (fresh !== undefined) return { index: fresh, waitMs: 0 };
    const nowMs = now();
    const backoffMs = backoffDelayMs(retries, settings.retry.backoff, env.random);
    let best: { index: number; readyAtMs: number } | undefined;
    for (const i of plan.order) {
      const t = tried.get(i);
      if (!t?.retriable || !allowed.has(i)) continue;
      const u = registry.unavailable(targets[i].id, settings, settings.breaker, nowMs, plan.need);
      if (u && (u.reason.startsWith('breaker') || u.untilMs - nowMs > settings.retry.maxRetryAfterMs)) continue;
      const readyAtMs = Math.max(nowMs + backoffMs, t.notBeforeMs, u?.untilMs ?? 0);
      if (!best || readyAtMs < best.readyAtMs) best = { index: i, readyAtMs };
    }
    return best && { index: best.index, waitMs: best.readyAtMs - nowMs };
  };

  const start = (i: number, info: AttemptInfo): RunningAttempt | undefined => {
    const target = targets[i];
    const admission = registry.begin(target.id, settings.breaker, now());
    if (!admission.admitted) {
      skip(i, 'breaker_probing', admission.retryAtMs);
      tried.set(i, { attempts: 0, retriable: false, notBeforeMs: 0 });
      return undefined;
    }
    rec.attempts++;
    started.add(i);
    rec.path.push(target.id);
    ctx.target = target;
    const countsFailure = (tried.get(i)?.attempts ?? 0) === 0;
    return startAttempt(attemptEnv, i, target, rec.attempts, { ...info, breaker: admission.probe ? 'half-open' : 'closed' }, { probe: admission.probe, countsFailure });
  };

  const onFailure = (run: RunningAttempt, failure: AttemptFailed): void => {
    const { error, aborted } = failure;
    if (aborted === 'deadline') throw deadlineExceeded(plan.groupName, settings.deadlineMs, rec.attempts, lastError ?? error);
    if (aborted === 'client' || ctx.cancel.aborted) throw error;
    if (aborted === 'cancelled') return;
    lastError = error;
    rec.reason ??= errorTypeOf(error);
    const t = tried.get(run.index) ?? { attempts: 0, retriable: false, notBeforeMs: 0 };
    tried.set(run.index, t);
    t.attempts++;
    const kind = failureKind(error);
    if (kind === 'client') throw error;
    if (kind === 'context') {
      const window = run.target.contextWindow ?? 0;
      allowed = new Set([...allowed].filter((i) => !started.has(i) && (targets[i].contextWindow === undefined || targets[i].contextWindow! > window)));
      if (allowed.size === 0) throw error;
      t.retriable = false;
      return;
    }
    if (!settings.retry.retryOn.includes(kind)) throw error;
    const retryAfterMs = error.retryAfterMs ?? 0;
    t.retriable = retriesSameTarget(kind) && retryAfterMs <= settings.retry.maxRetryAfterMs;
    t.notBeforeMs = now() + retryAfterMs;
  };

  try {
    for (let guard = 0; guard < 100; guard++) {
      const next = chooseNext();
      if (!next) break;
      if (next.waitMs > 0) {
        if (ctx.now() + next.waitMs >= deadlineAtMs) throw deadlineExceeded(plan.groupName, settings.deadlineMs, rec.attempts, lastError);
        await sleep(next.waitMs, ctx.cancel); // never past the deadline: checked just above
        if (ctx.now() >= deadlineAtMs) throw deadlineExceeded(plan.groupName, settings.deadlineMs, rec.attempts, lastError);
        if (ctx.cancel.aborted) throw lastError ?? deadlineExceeded(plan.groupName, settings.deadlineMs, rec.attempts);
        retries++;
      }
      const run = start(next.index, { waitMs: next.waitMs });
      if (!run) continue;
      const hedging = settings.hedging;
      try {
        const won = await raceWithHedges(run, {
          afterMs: hedging.enabled ? hedging.afterMs : undefined,
          maxHedges: hedging.maxHedges,
          startHedge: () => {
            if (rec.attempts >= settings.retry.maxAttempts) return undefined;
            const i = nextUntried();
            return i === undefined ? undefined : start(i, { hedge: true });
          },
        });
        for (const f of won.failures) {
          try {
            onFailure(f.run, f.failure);
          } catch {
            // Bookkeeping only: another attempt answered, so this failure is not the request's.
          }
        }
        ctx.target = won.winner.target;
        rec.servedBy = won.winner.index;
        return won.outcome;
      } catch (err) {
        if (!(err instanceof RaceLost)) throw err;
        for (const f of err.failures) onFailure(f.run, f.failure);
      }
    }
    if (lastError) throw lastError;
    throw noHealthyTarget(plan.groupName, [...rec.skipped.values()], now());
  } finally {
    recordFailover(ctx, plan, rec);
  }
}

/** Resolves after `ms`, or at once when `cancel` aborts. */
function sleep(ms: number, cancel: Cancellation): Promise<void> {
  return new Promise((resolve) => {
    if (cancel.aborted) return resolve();
    const unlink = cancel.onAbort(() => {
      clearTimeout(t);
      resolve();
    });
    const t = setTimeout(() => {
      unlink();
      resolve();
    }, ms);
  });
}
