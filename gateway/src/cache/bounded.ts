/** How a bounded call ended. */
export type Bounded<T> = { ok: true; value: T } | { ok: false; reason: 'timeout' | 'error'; error?: unknown };

/**
 * Waits for `p` at most `ms`. The call is not cancelled (the store has no cancel), but its
 * late result or failure is absorbed, so a slow store costs a request `ms` and no more.
 */
export function within<T>(p: Promise<T>, ms: number): Promise<Bounded<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, reason: 'timeout' }), ms);
    p.then(
      (value) => {
        clearTimeout(timer);
        resolve({ ok: true, value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ ok: false, reason: 'error', error });
      },
    );
  });
}
