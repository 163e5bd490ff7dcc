import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface Target {
  name: string;
  url: string;
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);

export interface LatencyStats {
  count: number;
  errors: number;
  p50: number;
  p99: number;
  mean: number;
}

export function summarize(samples: number[], errors: number): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  return { count: s.length, errors, p50: percentile(s, 50), p99: percentile(s, 99), mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length) };
}

async function once(pool: Pool, path: string, body: string, headers: Record<string, string>): Promise<boolean> {
  const res = await pool.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json', ...headers } });
  await res.body.dump({ limit: 1 << 30 });
  return res.statusCode === 200;
}

/** Closed loop: `connections` workers send back to back for `durationMs`. Bounded by time. */
export async function closedLoop(target: Target, path: string, body: string, connections: number, durationMs: number, headers: Record<string, string> = {}): Promise<{ rps: number; requests: number; errors: number }> {
  const pool = new Pool(target.url, { connections, pipelining: 1 });
  const end = performance.now() + durationMs;
  let requests = 0;
  let errors = 0;
  const worker = async () => {
    while (performance.now() < end) {
      try {
        if (await once(pool, path, body, headers)) requests++;
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = performance.now() - start;
  await pool.close();
  return { rps: (requests * 1000) / elapsed, requests, errors };
}

/**
 * Open loop at a fixed rate; latency measured from each request's scheduled send time, so
 * a stalled server cannot hide its delay (no coordinated omission).
 */
export async function openLoop(target: Target, path: string, body: string, ratePerSec: number, durationMs: number, headers: Record<string, string> = {}): Promise<LatencyStats> {
  const pool = new Pool(target.url, { connections: 64, pipelining: 1 });
  const intervalMs = 1000 / ratePerSec;
  const total = Math.floor((durationMs / 1000) * ratePerSec);
  const start = performance.now();
  const samples: number[] = [];
  let errors = 0;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduled = start + i * intervalMs;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Never early: when the timer fired before the slot, count from the actual send; when
    // late, count from the slot, so queueing delay is measured (no coordinated omission).
    const from = Math.min(scheduled, performance.now());
    inflight.push(
      once(pool, path, body, headers).then(
        (ok) => {
          if (ok) samples.push(performance.now() - from);
          else errors++;
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(inflight);
  await pool.close();
  return summarize(samples, errors);
}

const FIRST_CONTENT = /"content":"[^"]/;

/** Sequential streaming requests: time from send to the first content chunk. */
export async function streamTtft(target: Target, path: string, body: string, count: number, headers: Record<string, string> = {}): Promise<LatencyStats> {
  const pool = new Pool(target.url, { connections: 4 });
  const samples: number[] = [];
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    try {
      const res = await pool.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json', ...headers } });
      let first: number | undefined;
      for await (const chunk of res.body) {
        if (first === undefined && FIRST_CONTENT.test((chunk as Buffer).toString('latin1'))) first = performance.now() - t0;
      }
      if (res.statusCode === 200 && first !== undefined) samples.push(first);
      else errors++;
    } catch {
      errors++;
    }
  }
  await pool.close();
  return summarize(samples, errors);
}
