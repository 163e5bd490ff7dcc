import { describe, expect, it } from 'vitest';
import { createRng } from '../sim/random.js';
import { arrivalTimes, expectedArrivals, pickWeighted } from './arrivals.js';

const stage = (duration: number, ratePerSec: number, ramp = false) => ({ duration, ratePerSec, ramp });

describe('open-model arrivals', () => {
  it('constant arrivals are evenly spaced at the rate', () => {
    const times = [...arrivalTimes([stage(1000, 10)], 'constant', createRng(1))];
    expect(times).toHaveLength(10);
    times.forEach((t, i) => expect(t).toBeCloseTo(i * 100, 6));
  });

  it('a ramp starts slow and speeds up, with the expected number of arrivals', () => {
    const times = [...arrivalTimes([stage(2000, 20, true)], 'constant', createRng(1))];
    expect(times.length).toBe(Math.floor(expectedArrivals([stage(2000, 20, true)])));
    const firstHalf = times.filter((t) => t < 1000).length;
    const secondHalf = times.length - firstHalf;
    expect(secondHalf).toBeGreaterThan(2 * firstHalf);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
  });

  it('Poisson arrivals are seeded (same seed, same times) and near the mean count', () => {
    const stages = [stage(10_000, 50)];
    const a = [...arrivalTimes(stages, 'poisson', createRng(42))];
    const b = [...arrivalTimes(stages, 'poisson', createRng(42))];
    expect(a).toEqual(b);
    // 500 expected; 5 standard deviations either way is far outside any seed's luck.
    expect(a.length).toBeGreaterThan(500 - 5 * Math.sqrt(500));
    expect(a.length).toBeLessThan(500 + 5 * Math.sqrt(500));
    expect(a.every((t) => t >= 0 && t < 10_000)).toBe(true);
  });

  it('follows stages, skips zero-rate ones and honours maxRuns', () => {
    const times = [...arrivalTimes([stage(1000, 5), stage(1000, 0), stage(1000, 5)], 'constant', createRng(1))];
    expect(times.some((t) => t >= 1000 && t < 2000)).toBe(false);
    expect(times.filter((t) => t >= 2000)).toHaveLength(5);
    expect([...arrivalTimes([stage(10_000, 100)], 'constant', createRng(1), 7)]).toHaveLength(7);
  });

  it('picks agents in proportion to their weights', () => {
    const rng = createRng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 6000; i++) counts[pickWeighted([1, 2, 0], rng)]++;
    expect(counts[2]).toBe(0);
    expect(counts[1] / counts[0]).toBeGreaterThan(1.7);
    expect(counts[1] / counts[0]).toBeLessThan(2.3);
  });
});
