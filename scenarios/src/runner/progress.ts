import type { Metrics } from './metrics.js';

/**
 * Live progress: on a terminal, one redrawn line with a bar, run rate, errors and elapsed
 * time; otherwise (CI logs) a plain line every few seconds.
 */

export interface ProgressOut {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  stop(): void;
}

const BAR_WIDTH = 24;
const TTY_INTERVAL_MS = 200;
const PLAIN_INTERVAL_MS = 5_000;

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** `expectedMs`: planned length of the load (bar by time); `expectedRuns`: planned runs (bar by count). */
export function startProgress(out: ProgressOut, m: Metrics, now: () => number, plan: { expectedMs?: number; expectedRuns?: number }): Progress {
  const t0 = now();
  const tty = out.isTTY === true;
  let lastDone = 0;
  let lastAt = t0;
  const line = (): string => {
    const elapsed = now() - t0;
    const byRuns = plan.expectedRuns ? m.runsDone / plan.expectedRuns : undefined;
    const byTime = plan.expectedMs ? elapsed / plan.expectedMs : undefined;
    const frac = Math.min(1, byRuns ?? byTime ?? 0);
    const dt = (now() - lastAt) / 1000;
    const rate = dt > 0 ? (m.runsDone - lastDone) / dt : 0;
    lastDone = m.runsDone;
    lastAt = now();
    const bar = `${'#'.repeat(Math.round(frac * BAR_WIDTH))}${'-'.repeat(BAR_WIDTH - Math.round(frac * BAR_WIDTH))}`;
    return `[${bar}] ${String(Math.round(frac * 100)).padStart(3)}% · ${m.runsDone} runs (${rate.toFixed(1)}/s) · ${m.callsDone} calls · ${m.callErrors + m.droppedArrivals} errors · ${clock(elapsed)}`;
  };
  const timer = setInterval(() => {
    if (tty) out.write(`\r${line().slice(0, Math.max(20, (out.columns ?? 120) - 1))}\u001b[K`);
    else out.write(`${line()}\n`);
  }, tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (tty) out.write(`\r${line()}\u001b[K\n`);
    },
  };
}
