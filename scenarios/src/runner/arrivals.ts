import type { Rng } from '../sim/random.js';
import type { LoadStage } from '../format/load-schema.js';

/**
 * Arrival times of the open model, pure and lazy. Rates are piecewise linear over the
 * stages; arrival k happens where the cumulative rate Λ(t) reaches the k-th target: the
 * integers (constant spacing) or a running sum of Exp(1) draws (a Poisson process with a
 * varying rate, by time rescaling).
 */

interface Segment {
  startMs: number;
  durationMs: number;
  /** Rates in arrivals per millisecond at the start and the end of the segment. */
  fromPerMs: number;
  toPerMs: number;
  /** Λ at the segment start. */
  massBefore: number;
  mass: number;
}

function segments(stages: readonly LoadStage[]): Segment[] {
  const out: Segment[] = [];
  let startMs = 0;
  let massBefore = 0;
  let prev = 0;
  for (const st of stages) {
    const to = st.ratePerSec / 1000;
    const from = st.ramp ? prev : to;
    const mass = ((from + to) / 2) * st.duration;
    out.push({ startMs, durationMs: st.duration, fromPerMs: from, toPerMs: to, massBefore, mass });
    startMs += st.duration;
    massBefore += mass;
    prev = to;
  }
  return out;
}

/** Time within a segment at which Λ has grown by `m` (0 ≤ m ≤ segment mass). */
function offsetFor(seg: Segment, m: number): number {
  const a = seg.fromPerMs;
  const c2 = (seg.toPerMs - a) / (2 * seg.durationMs);
  if (Math.abs(c2) < 1e-15) return a > 0 ? m / a : 0;
  const disc = Math.max(0, a * a + 4 * c2 * m);
  return (-a + Math.sqrt(disc)) / (2 * c2);
}

/** Total length of the stages. */
export const stagesDurationMs = (stages: readonly LoadStage[]): number => stages.reduce((sum, s) => sum + s.duration, 0);

/** Expected number of arrivals over the stages. */
export const expectedArrivals = (stages: readonly LoadStage[]): number => segments(stages).reduce((sum, s) => sum + s.mass, 0);

/** Arrival times in ms from the load start, ascending, until the stages end or `maxRuns`. */
export function* arrivalTimes(stages: readonly LoadStage[], arrival: 'poisson' | 'constant', rng: Rng, maxRuns = Number.POSITIVE_INFINITY): Generator<number> {
  const segs = segments(stages);
  let target = arrival === 'constant' ? 0 : -Math.log(1 - rng());
  let i = 0;
  for (let n = 0; n < maxRuns; n++) {
    // Half-open stages: an arrival exactly at a stage end belongs to the next stage.
    while (i < segs.length && target >= segs[i].massBefore + segs[i].mass) i++;
    if (i >= segs.length) return;
    const seg = segs[i];
    yield seg.startMs + Math.min(seg.durationMs, offsetFor(seg, target - seg.massBefore));
    target += arrival === 'constant' ? 1 : -Math.log(1 - rng());
  }
}

/** Picks an agent index by weight. */
export function pickWeighted(weights: readonly number[], rng: Rng): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  return weights.length - 1;
}
