import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startSimServer } from '../../../../scenarios/src/sim/index.js';
import { startGateway } from '../../main.js';
import { benchFailover, flapPlan, summarize } from '../failover-bench.js';

describe('failover bench (npm run bench)', () => {
  it('measures direct vs failed-over-once latency, and every request succeeds while the primary flaps', async () => {
    const silent = (opts: Parameters<typeof startGateway>[0]) => startGateway({ ...opts, logger: pino({ level: 'silent' }) });
    for (const stream of [false, true]) {
      const r = await benchFailover({ startGateway: silent, startSimServer, requests: 40, concurrency: 4, stream, flapDurationMs: 800, flapHalfPeriodMs: 60 });
      expect(r.direct.count).toBe(40);
      expect(r.failoverOnce.count).toBe(40);
      expect(Number.isFinite(r.addedMs.p50)).toBe(true);
      expect(r.flapping.requests).toBeGreaterThan(0);
      expect(r.flapping.successRate).toBe(1);
      expect(r.flapping.servedByBackup).toBeGreaterThan(0);
    }
  });

  it('flap plans alternate healthy and faulty windows, bounded', () => {
    const plan = flapPlan(1_000, 100);
    expect(plan[0]).toMatchObject({ fromMs: 100, toMs: 200 });
    expect(plan[1]).toMatchObject({ fromMs: 300, toMs: 400 });
    expect(flapPlan(10_000_000, 10).length).toBe(1_000);
  });

  it('summarises latencies', () => {
    expect(summarize([5, 1, 3, 2, 4])).toEqual({ count: 5, meanMs: 3, p50Ms: 3, p95Ms: 5, p99Ms: 5 });
    expect(summarize([]).count).toBe(0);
  });
});
