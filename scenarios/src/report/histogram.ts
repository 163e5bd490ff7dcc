import { build, type Histogram } from 'hdr-histogram-js';

/**
 * Latency histograms (HdrHistogram, 3 significant digits) recorded in microseconds and
 * reported in milliseconds: percentiles stay exact to 0.1 % whatever the range, in bounded
 * memory, however many calls a run makes.
 */

export interface Percentiles {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export const newHistogram = (): Histogram =>
  build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true });

/** Records a duration in ms (negative values count as 0). */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(0, Math.round(ms * 1000)));
}

const ms = (us: number): number => Math.round(us) / 1000;

export function percentilesOf(h: Histogram): Percentiles {
  if (h.totalCount === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
  return {
    count: h.totalCount,
    mean: ms(h.mean),
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
  };
}
