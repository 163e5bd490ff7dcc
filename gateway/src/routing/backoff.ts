/** Backoff settings (the `routing.retry.backoff` block). */
export interface BackoffConfig {
  initialMs: number;
  maxMs: number;
  multiplier: number;
}

/**
 * Delay before retry number `retryIndex` (0 = first retry): exponential, capped, with
 * "equal jitter" — half the step is fixed, half random — so retries of many requests spread
 * out yet every retry still waits longer than the previous step's fixed half.
 */
export function backoffDelayMs(retryIndex: number, cfg: BackoffConfig, random: () => number): number {
  const step = Math.min(cfg.maxMs, cfg.initialMs * cfg.multiplier ** Math.max(0, retryIndex));
  const half = step / 2;
  return Math.round(half + random() * half);
}

/** The wait before retrying a target: the backoff, or the upstream's `Retry-After` when longer. */
export function retryWaitMs(backoffMs: number, retryAfterMs: number | undefined): number {
  return Math.max(backoffMs, retryAfterMs ?? 0);
}
