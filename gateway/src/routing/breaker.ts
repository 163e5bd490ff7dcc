/**
 * Circuit breaker and outlier ejection for one target, as a pure state machine.
 *
 * closed ──(N consecutive failures, or error rate ≥ X% over the window with enough calls)──► open
 * open ──(ejection time passed; a request asks)──► half-open (up to `halfOpenProbes` requests let through)
 * half-open ──probe succeeds──► closed      half-open ──probe fails──► open (ejection doubles)
 *
 * Ejection time grows with each ejection in a row (`baseEjectionMs · 2^(n-1)`, capped) and
 * the count is forgiven once the target has stayed closed for `maxEjectionMs`.
 */

export interface BreakerConfig {
  enabled: boolean;
  consecutiveFailures: number;
  errorRatePercent: number;
  windowMs: number;
  minRequests: number;
  baseEjectionMs: number;
  maxEjectionMs: number;
  halfOpenProbes: number;
}

export type BreakerPhase = 'closed' | 'open' | 'half-open';

interface Bucket {
  readonly startMs: number;
  readonly total: number;
  readonly failures: number;
}

export interface BreakerState {
  readonly phase: BreakerPhase;
  readonly consecutiveFailures: number;
  /** Ejections in a row (drives the growing ejection time). */
  readonly ejections: number;
  /** While open: when a probe may be let through. */
  readonly openUntilMs: number;
  readonly probesInFlight: number;
  /** When the breaker last closed (for forgiving `ejections`). */
  readonly closedAtMs: number;
  /** Outcome counts in time buckets covering the error-rate window. */
  readonly buckets: readonly Bucket[];
}

export const CLOSED_BREAKER: BreakerState = { phase: 'closed', consecutiveFailures: 0, ejections: 0, openUntilMs: 0, probesInFlight: 0, closedAtMs: 0, buckets: [] };

/**
 * `s` with `changes`: a literal of every field rather than `{ ...s, ...}`, which V8 (Node 20)
 * builds through a slow path, and this runs on every call.
 */
function next(s: BreakerState, changes: Partial<BreakerState>): BreakerState {
  return {
    phase: changes.phase ?? s.phase,
    consecutiveFailures: changes.consecutiveFailures ?? s.consecutiveFailures,
    ejections: changes.ejections ?? s.ejections,
    openUntilMs: changes.openUntilMs ?? s.openUntilMs,
    probesInFlight: changes.probesInFlight ?? s.probesInFlight,
    closedAtMs: changes.closedAtMs ?? s.closedAtMs,
    buckets: changes.buckets ?? s.buckets,
  };
}

/** Buckets per window: rate precision vs memory (10 × 3 numbers per target). */
const BUCKETS_PER_WINDOW = 10;

export type Admission = { admit: 'yes' | 'probe'; state: BreakerState } | { admit: 'no'; state: BreakerState; retryAtMs: number };

/** Whether a request may go to the target now; acquiring a probe slot changes the state. */
export function admit(s: BreakerState, cfg: BreakerConfig, nowMs: number): Admission {
  if (!cfg.enabled || s.phase === 'closed') return { admit: 'yes', state: s };
  if (s.phase === 'open' && nowMs < s.openUntilMs) return { admit: 'no', state: s, retryAtMs: s.openUntilMs };
  const half: BreakerState = s.phase === 'open' ? next(s, { phase: 'half-open', probesInFlight: 0 }) : s;
  if (half.probesInFlight >= cfg.halfOpenProbes) return { admit: 'no', state: half, retryAtMs: nowMs };
  return { admit: 'probe', state: next(half, { probesInFlight: half.probesInFlight + 1 }) };
}

/** Whether the target would be admitted, without taking a probe slot. */
export function peekAdmission(s: BreakerState, cfg: BreakerConfig, nowMs: number): { open: false } | { open: true; retryAtMs: number } {
  const a = admit(s, cfg, nowMs);
  return a.admit === 'no' ? { open: true, retryAtMs: a.retryAtMs } : { open: false };
}

/** A call to the target succeeded (or was answered with a client-caused error: the target is alive). */
export function onSuccess(s: BreakerState, cfg: BreakerConfig, nowMs: number, wasProbe: boolean): BreakerState {
  const buckets = record(s.buckets, cfg, nowMs, false);
  if (s.phase === 'closed') {
    const forgiven = s.ejections > 0 && nowMs - s.closedAtMs >= cfg.maxEjectionMs;
    return next(s, { consecutiveFailures: 0, ejections: forgiven ? 0 : s.ejections, buckets });
  }
  if (!wasProbe) return next(s, { buckets });
  // A probe came back fine: close, and start the error-rate window afresh.
  return next(CLOSED_BREAKER, { ejections: s.ejections, closedAtMs: nowMs });
}

/** A call to the target failed in a way that speaks about the target's health. */
export function onFailure(s: BreakerState, cfg: BreakerConfig, nowMs: number, wasProbe: boolean): BreakerState {
  const buckets = record(s.buckets, cfg, nowMs, true);
  if (!cfg.enabled) return next(s, { consecutiveFailures: s.consecutiveFailures + 1, buckets });
  if (s.phase === 'half-open' && wasProbe) return eject(s, cfg, nowMs);
  if (s.phase !== 'closed') return next(s, { buckets, probesInFlight: wasProbe ? Math.max(0, s.probesInFlight - 1) : s.probesInFlight });
  const failed = next(s, { consecutiveFailures: s.consecutiveFailures + 1, buckets });
  if (failed.consecutiveFailures >= cfg.consecutiveFailures || rateTripped(buckets, cfg, nowMs)) return eject(failed, cfg, nowMs);
  return failed;
}

/** A probe ended without telling anything (cancelled, client gone): free its slot. */
export function onAbandoned(s: BreakerState, wasProbe: boolean): BreakerState {
  return wasProbe && s.probesInFlight > 0 ? next(s, { probesInFlight: s.probesInFlight - 1 }) : s;
}

/** Ejection time for the `n`-th ejection in a row (n ≥ 1). */
export function ejectionMs(n: number, cfg: BreakerConfig): number {
  return Math.min(cfg.maxEjectionMs, cfg.baseEjectionMs * 2 ** Math.min(30, Math.max(0, n - 1)));
}

function eject(s: BreakerState, cfg: BreakerConfig, nowMs: number): BreakerState {
  const ejections = s.ejections + 1;
  return next(s, { phase: 'open', ejections, openUntilMs: nowMs + ejectionMs(ejections, cfg), probesInFlight: 0, consecutiveFailures: 0, buckets: [] });
}

function record(buckets: readonly Bucket[], cfg: BreakerConfig, nowMs: number, failed: boolean): Bucket[] {
  const width = Math.max(1, Math.floor(cfg.windowMs / BUCKETS_PER_WINDOW));
  const startMs = nowMs - (nowMs % width);
  const kept = buckets.filter((b) => b.startMs > nowMs - cfg.windowMs);
  const last = kept[kept.length - 1];
  const failures = failed ? 1 : 0;
  if (last && last.startMs === startMs) {
    kept[kept.length - 1] = { startMs, total: last.total + 1, failures: last.failures + failures };
  } else kept.push({ startMs, total: 1, failures });
  return kept;
}

/** Error rate over the window, and how many calls it rests on. */
export function windowStats(buckets: readonly Bucket[], cfg: BreakerConfig, nowMs: number): { total: number; failures: number } {
  let total = 0;
  let failures = 0;
  for (const b of buckets) {
    if (b.startMs <= nowMs - cfg.windowMs) continue;
    total += b.total;
    failures += b.failures;
  }
  return { total, failures };
}

function rateTripped(buckets: readonly Bucket[], cfg: BreakerConfig, nowMs: number): boolean {
  const { total, failures } = windowStats(buckets, cfg, nowMs);
  return total >= cfg.minRequests && (failures * 100) / total >= cfg.errorRatePercent;
}
