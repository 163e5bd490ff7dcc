/**
 * GCRA (generic cell rate algorithm), pure: a limit of `limit` units per `periodMs`, with a
 * burst of the whole limit. The state is one number, the theoretical arrival time (TAT): the
 * instant at which the bucket would be full again. Costs can be fractional of the period's
 * emission interval; refunds move the TAT back but never before `now` (no banking).
 */
export interface GcraLimit {
  limit: number;
  periodMs: number;
}

export interface GcraDecision {
  allowed: boolean;
  /** The new TAT when allowed (the old one otherwise). */
  tatMs: number;
  /** Units left after this take (0 when refused). */
  remaining: number;
  /** Time until the bucket is full again. */
  resetMs: number;
  /** Refused: time until this cost would fit; undefined when it never can (cost > limit). */
  retryAfterMs: number | undefined;
}

const emission = (l: GcraLimit) => l.periodMs / l.limit;

/** Units available at `nowMs` for state `tatMs`. */
export function gcraRemaining(l: GcraLimit, tatMs: number, nowMs: number): number {
  const used = Math.max(0, tatMs - nowMs);
  return Math.max(0, Math.floor((l.periodMs - used) / emission(l) + 1e-9));
}

/** The TAT after taking `cost` units at `nowMs`, whether or not the take fits. */
export const gcraNextTat = (l: GcraLimit, tatMs: number, cost: number, nowMs: number): number => Math.max(tatMs, nowMs) + cost * emission(l);

/** Whether a take that moves the TAT to `nextTatMs` fits the limit at `nowMs`. */
export const gcraFits = (l: GcraLimit, nextTatMs: number, nowMs: number): boolean => nextTatMs - nowMs <= l.periodMs + 1e-6;

/** Tries to take `cost` units at `nowMs`. */
export function gcraTake(l: GcraLimit, tatMs: number, cost: number, nowMs: number): GcraDecision {
  const base = Math.max(tatMs, nowMs);
  const next = gcraNextTat(l, tatMs, cost, nowMs);
  if (gcraFits(l, next, nowMs)) {
    return { allowed: true, tatMs: next, remaining: gcraRemaining(l, next, nowMs), resetMs: Math.ceil(next - nowMs), retryAfterMs: undefined };
  }
  const retryAfterMs = cost > l.limit ? undefined : Math.ceil(next - l.periodMs - nowMs);
  return { allowed: false, tatMs, remaining: gcraRemaining(l, tatMs, nowMs), resetMs: Math.ceil(Math.max(0, base - nowMs)), retryAfterMs };
}

/** Adjusts a TAT after the fact: `delta` units more (positive) or fewer (refund). */
export function gcraAdjust(l: GcraLimit, tatMs: number, delta: number, nowMs: number): number {
  const moved = tatMs + delta * emission(l);
  return delta >= 0 ? Math.max(moved, nowMs + delta * emission(l)) : Math.max(moved, Math.min(tatMs, nowMs));
}
