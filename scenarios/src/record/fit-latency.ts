/**
 * Fitting observed latencies to the simulator's distributions, so replayed upstreams behave
 * like the recorded ones: time to first token as a lognormal (latencies are skewed), time
 * per token as a normal, tool latencies as a uniform range between the 10th and 90th
 * percentiles. Pure.
 */

const r3 = (v: number) => Math.round(v * 1000) / 1000;

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i];
}

/** Lognormal through the samples' geometric mean and log spread, bounded near the observed range. */
export function fitLognormal(samples: readonly number[]): { lognormal: { median: number; sigma: number; min: number; max: number } } | { fixed: number } {
  const xs = samples.filter((x) => x > 0).sort((a, b) => a - b);
  if (xs.length === 0) return { fixed: 0 };
  if (xs.length === 1) return { fixed: r3(xs[0]) };
  const logs = xs.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  const variance = logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1);
  return { lognormal: { median: r3(Math.exp(mean)), sigma: r3(Math.sqrt(variance)), min: r3(xs[0] * 0.5), max: r3(xs[xs.length - 1] * 2) } };
}

export function fitNormal(samples: readonly number[]): { normal: { mean: number; stdDev: number; min: number } } | { fixed: number } {
  const xs = samples.filter((x) => x > 0);
  if (xs.length === 0) return { fixed: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length === 1) return { fixed: r3(mean) };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { normal: { mean: r3(mean), stdDev: r3(sd), min: 0 } };
}

/** Integer range for the MCP simulator (`{minMs, maxMs}`). */
export function fitRange(samples: readonly number[]): { minMs: number; maxMs: number } {
  const xs = [...samples].sort((a, b) => a - b);
  const lo = Math.max(0, Math.floor(quantile(xs, 0.1)));
  return { minMs: lo, maxMs: Math.max(lo, Math.ceil(quantile(xs, 0.9))) };
}
