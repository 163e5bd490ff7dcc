/**
 * Why the router aborted an attempt on purpose. Carried as the AbortSignal's reason so the
 * attempt's span and the target's health records can tell a deliberate abort (a hedge that
 * lost, the request's deadline) from an upstream failure.
 */
export class AttemptAborted extends Error {
  constructor(readonly kind: 'cancelled' | 'deadline', message: string) {
    super(message);
    this.name = 'AttemptAborted';
  }
}

/** A hedge race was won by another attempt. */
export const hedgeLost = (): AttemptAborted => new AttemptAborted('cancelled', 'another attempt answered first');

/** The request's routing deadline passed. */
export const deadlinePassed = (): AttemptAborted => new AttemptAborted('deadline', 'request deadline exceeded');

/** `cancelled` / `deadline` for a router abort reason, undefined for anything else (client gone). */
export function cancelKind(reason: unknown): 'cancelled' | 'deadline' | undefined {
  return reason instanceof AttemptAborted ? reason.kind : undefined;
}
