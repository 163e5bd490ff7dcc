import { SLUICE } from '../../../collector/src/model/semconv.js';
import { GatewayError, toGatewayError } from '../errors.js';
import { Cancellation } from '../pipeline/cancellation.js';
import type { RequestCtx, Target } from '../pipeline/context.js';
import type { ChatChunk, Outcome, StreamOutcome } from '../pipeline/outcome.js';
import { type AttemptDeps, type AttemptInfo, runAttempt } from './attempt.js';
import { cancelKind, deadlinePassed } from './cancel-reasons.js';
import { countsAgainstTarget, failureKind } from './failure-kind.js';
import { discardStream, primeStream } from './prime-stream.js';
import type { EffectiveRouting } from './settings.js';
import type { TargetRegistry } from './target-registry.js';

/** What every attempt of one request shares. */
export interface AttemptEnv {
  ctx: RequestCtx;
  deps: AttemptDeps;
  registry: TargetRegistry;
  settings: EffectiveRouting;
  now: () => number;
  /** When the request's routing deadline passes (request clock, `ctx.now`): attempts still waiting for their first token are aborted then. */
  deadlineAtMs: number;
}

/** An attempt under way. `done` resolves with an answer ready to relay (a stream primed to its first token). */
export interface RunningAttempt {
  index: number;
  target: Target;
  attemptNo: number;
  controller: Cancellation;
  done: Promise<Outcome>;
}

/** What the breaker decided for an attempt, and whether its failure counts against the target. */
export interface AttemptAdmission {
  /** A half-open probe: its outcome closes or re-opens the breaker. */
  probe: boolean;
  /**
   * False for a retry of a target that already failed this request: the breaker counts
   * failed requests, not attempts, so one bad request retried three times is one strike.
   */
  countsFailure: boolean;
}

/** A failed attempt: the error as the client would see it, and whether the router aborted it on purpose. */
export class AttemptFailed extends Error {
  constructor(readonly error: GatewayError, readonly aborted: 'cancelled' | 'deadline' | 'client' | undefined) {
    super(error.message, { cause: error });
    this.name = 'AttemptFailed';
  }
}

/**
 * Starts one attempt (breaker admission already taken) and keeps the target's records: in
 * flight, latency to first token, success or failure, quota headers, 429 bench time. A
 * stream that breaks after its first token counts against the target too.
 */
export function startAttempt(env: AttemptEnv, index: number, target: Target, attemptNo: number, info: AttemptInfo, admission: AttemptAdmission): RunningAttempt {
  const { probe } = admission;
  const { ctx, registry, settings, now } = env;
  // The attempt ends when the client goes away, the deadline passes before its first token,
  // or a hedge wins: a Cancellation linked to the request's, and a timer.
  const controller = new Cancellation();
  const unlink = ctx.cancel.onAbort(() => controller.abort(ctx.cancel.reason));
  const deadlineTimer = setTimeout(() => controller.abort(deadlinePassed()), Math.max(0, env.deadlineAtMs - ctx.now()));
  const signal = controller;
  const startedMs = now();
  const kind = ctx.stream && ctx.operation === 'chat' ? 'stream' : 'json';
  let ended = false;
  const end = () => {
    if (!ended) {
      registry.end(target.id);
      unlink();
    }
    ended = true;
  };
  const breaker = settings.breaker;

  const done = (async (): Promise<Outcome> => {
    let out: Outcome;
    try {
      const result = await runAttempt(ctx, target, attemptNo, env.deps, signal, info);
      registry.observeQuota(target.id, result.headers, settings, now());
      out = result.outcome.kind === 'stream' ? await primeStream(result.outcome) : result.outcome;
    } catch (err) {
      end();
      throw failed(env, target, err, signal, admission, now() - startedMs, kind);
    }
    if (signal.aborted) {
      // Lost a race it had just won (hedge) or the deadline passed as it resolved.
      if (out.kind === 'stream') void discardStream(out);
      end();
      throw failed(env, target, signal.reason, signal, admission, now() - startedMs, kind);
    }
    registry.succeeded(target.id, kind, now() - startedMs, probe, settings, breaker, now());
    if (out.kind === 'json') {
      end();
      return out;
    }
    void out.summary.then(end, end);
    return watchStream(out, () => {
      if (signal.aborted) return;
      registry.failed(target.id, false, settings, breaker, now());
      ctx.attrs[SLUICE.ERROR_CODE] = 'GW_UPSTREAM_STREAM_BROKEN';
    });
  })();
  const clearDeadline = () => clearTimeout(deadlineTimer);
  done.then(clearDeadline, clearDeadline);
  return { index, target, attemptNo, controller, done };
}

function failed(env: AttemptEnv, target: Target, err: unknown, signal: Cancellation, admission: AttemptAdmission, elapsedMs: number, kind: 'stream' | 'json'): AttemptFailed {
  const { registry, settings, now } = env;
  const { probe } = admission;
  if (signal.aborted) {
    const why = cancelKind(signal.reason) ?? 'client';
    registry.abandoned(target.id, kind, why === 'client' ? undefined : elapsedMs, probe, settings, now());
    const ge = why === 'cancelled' ? new GatewayError('GW_UPSTREAM_ERROR', 'attempt cancelled: another attempt answered first', { retryable: true }) : toGatewayError(err);
    return new AttemptFailed(ge, why);
  }
  const ge = err instanceof GatewayError ? err : new GatewayError('GW_UPSTREAM_ERROR', 'upstream call failed', { cause: err, retryable: true, provider: target.provider });
  const fk = failureKind(ge);
  const nowMs = now();
  if (fk === 'rate-limited') {
    const benchMs = Math.min(settings.quota.maxCooldownMs, ge.retryAfterMs ?? settings.quota.rateLimitedCooldownMs);
    if (settings.quota.enabled) registry.bench(target.id, nowMs + benchMs, 'rate_limited', nowMs);
    registry.abandoned(target.id, kind, undefined, probe, settings, nowMs);
  } else if (countsAgainstTarget(fk)) {
    // A 5xx Retry-After is honoured within this request only (the failover loop waits for
    // it before retrying); the target's health across requests is the breaker's call.
    if (admission.countsFailure || probe) registry.failed(target.id, probe, settings, settings.breaker, nowMs);
    else registry.abandoned(target.id, kind, undefined, probe, settings, nowMs);
  } else {
    registry.answeredClientError(target.id, probe, settings.breaker, nowMs);
  }
  return new AttemptFailed(ge, undefined);
}

/** Calls `onBreak` when the upstream stream throws after it was handed on (the relay then ends it with an error event). */
function watchStream(out: StreamOutcome, onBreak: () => void): StreamOutcome {
  const source = out.chunks;
  const chunks: AsyncIterable<ChatChunk> = {
    [Symbol.asyncIterator]: () => {
      const it = source[Symbol.asyncIterator]();
      return {
        next: () =>
          it.next().catch((err: unknown) => {
            onBreak();
            throw err;
          }),
        return: (v?: unknown) => (it.return ? it.return(v) : Promise.resolve({ done: true as const, value: v as never })),
      };
    },
  };
  return { ...out, chunks };
}
