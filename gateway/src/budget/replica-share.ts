import type { Amount } from './spend-counter.js';

/**
 * A replica's share of one budget's headroom between two store syncs (`budgets.replicas` > 1).
 *
 * At a sync a replica knows the budget's spend: its own exactly, the other replicas' as far
 * as their spans have reached the store. To that it adds the others' spend still on its way
 * (estimated as its own since its last share, per other replica), splits what is left evenly
 * and, until its next sync, adds at most `(limit − known) / replicas` of its own charges and
 * reservations. If every replica does so, together they pass the limit only by spend the
 * estimate missed (a burst on one replica the others did not see), and that spend was itself
 * held to a share: the overshoot shrinks with the headroom instead of growing with the
 * replicas' spend rate.
 */
export interface ReplicaShare {
  /** This replica's own activity (charges + open reservations) when the share was taken. */
  readonly base: Amount;
  /** Spend + open reservations the replica knew of then (own and store), plus the others' unseen estimate. */
  readonly known: Amount;
  readonly replicas: number;
  /** When the next sync is due (epoch ms): a refused call can retry then. */
  readonly renewsAtMs: number;
}

/** What of its share a replica has left in one unit (negative: more than the share is held). */
export function shareLeft(limit: number, known: number, base: number, activity: number, replicas: number): number {
  return Math.floor((limit - known) / replicas) - (activity - base);
}

/** Whether `needed` more fits what is `left` of a share (nothing needed always fits, as with a limit). */
export function fitsShare(needed: number, left: number): boolean {
  return needed <= 0 || needed <= left;
}
