import { performance } from 'node:perf_hooks';
import type { FaultPlanInput, SimHandle, SimOptions } from '../../../scenarios/src/sim/index.js';
import type { ConfigInput } from '../config/schema.js';
import type { RunningGateway, StartGatewayOptions } from '../main.js';

/**
 * Failover cost for `npm run bench`: the added latency of a request that fails over once
 * against one that does not, and the share of requests that succeed while the primary
 * flaps (goal: 100 % with one healthy backup). The caller passes the start functions (the
 * bench runner imports `startGateway` and `startSimServer`), so this module pulls in no
 * server code and `routing/index.ts` can export it without an import cycle.
 */
export interface FailoverBenchOptions {
  startGateway: (opts: StartGatewayOptions) => Promise<RunningGateway>;
  startSimServer: (opts: SimOptions) => Promise<SimHandle>;
  /** Requests per latency phase (bounded). */
  requests?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Streaming requests (TTFT path) instead of JSON. */
  stream?: boolean;
  /** How long the primary flaps, and the length of each healthy/faulty half-period. */
  flapDurationMs?: number;
  flapHalfPeriodMs?: number;
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface FailoverBenchResult {
  /** Primary healthy: one attempt per request. */
  direct: LatencySummary;
  /** Primary always 503 (breaker off): every request fails over once. */
  failoverOnce: LatencySummary;
  /** failoverOnce − direct, per statistic. */
  addedMs: { mean: number; p50: number; p95: number; p99: number };
  flapping: { requests: number; succeeded: number; successRate: number; servedByBackup: number };
}

const MSG = [{ role: 'user', content: 'bench' }];

export async function benchFailover(opts: FailoverBenchOptions): Promise<FailoverBenchResult> {
  const n = Math.min(opts.requests ?? 300, 100_000);
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 4, 256));
  const stream = opts.stream ?? false;
  const primary = await opts.startSimServer({ seed: 1 });
  const backup = await opts.startSimServer({ seed: 2 });
  const gateways: RunningGateway[] = [];
  try {
    const start = async (breakerEnabled: boolean) => {
      const gw = await opts.startGateway({ config: benchConfig(primary.url, backup.url, breakerEnabled), port: 0, host: '127.0.0.1', env: {} });
      gateways.push(gw);
      return gw;
    };
    const gwNoBreaker = await start(false);
    await run(gwNoBreaker.url, 50, concurrency, stream); // warm-up: connections, JIT
    const direct = summarize((await run(gwNoBreaker.url, n, concurrency, stream)).latencies);
    primary.setFaultPlan([{ fault: 'status=503' }]);
    const failoverOnce = summarize((await run(gwNoBreaker.url, n, concurrency, stream)).latencies);

    const flapMs = opts.flapDurationMs ?? 5_000;
    const half = Math.max(10, opts.flapHalfPeriodMs ?? 250);
    const gwDefault = await start(true);
    primary.setFaultPlan(flapPlan(flapMs, half));
    backup.resetStats();
    const flap = await runFor(gwDefault.url, flapMs, concurrency, stream);
    return {
      direct,
      failoverOnce,
      addedMs: {
        mean: failoverOnce.meanMs - direct.meanMs,
        p50: failoverOnce.p50Ms - direct.p50Ms,
        p95: failoverOnce.p95Ms - direct.p95Ms,
        p99: failoverOnce.p99Ms - direct.p99Ms,
      },
      flapping: { requests: flap.total, succeeded: flap.ok, successRate: flap.total === 0 ? 0 : flap.ok / flap.total, servedByBackup: backup.stats().total },
    };
  } finally {
    for (const gw of gateways) await gw.close();
    await primary.close();
    await backup.close();
  }
}

function benchConfig(primaryUrl: string, backupUrl: string, breakerEnabled: boolean): ConfigInput {
  return {
    telemetry: { enabled: false },
    collector: { enabled: false },
    auth: { anonymous: { enabled: true } },
    providers: [
      { name: 'primary', kind: 'openai', baseUrl: `${primaryUrl}/v1` },
      { name: 'backup', kind: 'openai', baseUrl: `${backupUrl}/v1` },
    ],
    models: { bench: { strategy: 'priority', targets: [{ provider: 'primary', model: 'sim-fast' }, { provider: 'backup', model: 'sim-fast' }] } },
    routing: { breaker: { enabled: breakerEnabled } },
  };
}

/** Alternating windows: healthy, then a pre-first-byte fault (503, refused connection, 429, cut before the first token). */
export function flapPlan(durationMs: number, halfPeriodMs: number): FaultPlanInput {
  const faults = ['status=503', 'refuse', 'status=429;retry-after=1', 'disconnect-after=0'];
  const plan: FaultPlanInput = [];
  for (let t = halfPeriodMs, k = 0; t < durationMs + halfPeriodMs && plan.length < 1_000; t += 2 * halfPeriodMs, k++) {
    plan.push({ fromMs: t, toMs: t + halfPeriodMs, fault: faults[k % faults.length] });
  }
  return plan;
}

async function one(url: string, stream: boolean): Promise<boolean> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'bench', messages: MSG, stream, max_tokens: 16 }),
  });
  const text = await res.text();
  // A stream that broke ends with an error event instead of [DONE].
  return res.status === 200 && (!stream || text.includes('data: [DONE]'));
}

async function run(url: string, n: number, concurrency: number, stream: boolean): Promise<{ latencies: number[]; ok: number }> {
  const latencies: number[] = [];
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const t0 = performance.now();
      if (await one(url, stream).catch(() => false)) ok++;
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, ok };
}

async function runFor(url: string, durationMs: number, concurrency: number, stream: boolean): Promise<{ total: number; ok: number }> {
  const endAt = performance.now() + durationMs;
  let total = 0;
  let ok = 0;
  const worker = async () => {
    while (performance.now() < endAt) {
      total++;
      if (await one(url, stream).catch(() => false)) ok++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { total, ok };
}

export function summarize(latencies: readonly number[]): LatencySummary {
  const s = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => (s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(p * s.length))]);
  const mean = s.length === 0 ? 0 : s.reduce((a, b) => a + b, 0) / s.length;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { count: s.length, meanMs: r(mean), p50Ms: r(q(0.5)), p95Ms: r(q(0.95)), p99Ms: r(q(0.99)) };
}
