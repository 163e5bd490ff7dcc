/**
 * Peak EWMA (Finagle/Linkerd): a sample above the current value replaces it at once, so a
 * target that turns slow is avoided after one slow answer; lower samples blend in with a
 * weight that grows with the time since the last one; and the value decays toward zero
 * while a target is idle, so a target avoided for being slow gets probed again later.
 * Pure: the clock comes in as `nowMs`.
 */
export interface PeakEwma {
  readonly value: number;
  readonly atMs: number;
  readonly samples: number;
}

export const EMPTY_EWMA: PeakEwma = { value: 0, atMs: 0, samples: 0 };

/** Folds `sample` (≥ 0) observed at `nowMs` into `e`. */
export function observePeakEwma(e: PeakEwma, sample: number, nowMs: number, decayMs: number): PeakEwma {
  if (e.samples === 0) return { value: sample, atMs: nowMs, samples: 1 };
  const w = Math.exp(-Math.max(0, nowMs - e.atMs) / decayMs);
  const value = sample > e.value ? sample : e.value * w + sample * (1 - w);
  return { value, atMs: Math.max(nowMs, e.atMs), samples: e.samples + 1 };
}

/** The value as of `nowMs`, decayed toward zero since the last sample. */
export function readPeakEwma(e: PeakEwma, nowMs: number, decayMs: number): number {
  if (e.samples === 0) return 0;
  return e.value * Math.exp(-Math.max(0, nowMs - e.atMs) / decayMs);
}

/** Error EWMA: each outcome (1 = failure) moves the value by `alpha`; idle time decays it to zero. */
export function observeErrorEwma(e: PeakEwma, failed: boolean, nowMs: number, decayMs: number, alpha = 0.3): PeakEwma {
  const current = readPeakEwma(e, nowMs, decayMs);
  const x = failed ? 1 : 0;
  return { value: current + alpha * (x - current), atMs: Math.max(nowMs, e.atMs), samples: e.samples + 1 };
}
