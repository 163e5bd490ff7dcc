import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { readAdminEndpoint, readAdminToken } from '../collector/src/index.js';
import { type Target, closedLoop, summarize } from './load.js';
import type { Proc } from './processes.js';
import { fmt, median, pairedRatio, pairedRatioText, roundOrder, table } from './report.js';
import { chatBody } from './core.js';

const CHAT = '/v1/chat/completions';

/** Gateway throughput with tracing on (OTLP to the in-process collector, chDB) vs off, and
 * how long a finished call takes to become a row in `llm_calls`. */
export async function benchTracing(plain: Proc, traced: Proc, remote: Proc, tracedDataDir: string, rounds: number, phaseMs: number, connections: number): Promise<string> {
  const targets: Array<Target & { proc: Proc }> = [{ name: 'off', url: plain.url, proc: plain }, { name: 'on', url: traced.url, proc: traced }, { name: 'remote', url: remote.url, proc: remote }];
  const body = chatBody('sim-fast');
  for (const t of targets) await closedLoop(t, CHAT, body, 16, 500);
  const rps: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const t of roundOrder(targets, r)) {
      const c0 = t.proc.cpuMicros();
      const res = await closedLoop(t, CHAT, body, connections, phaseMs);
      (rps[t.name] ??= []).push(res.rps);
      (cpu[t.name] ??= []).push((t.proc.cpuMicros() - c0) / Math.max(1, res.requests));
    }
  }
  const vis = await visibility(traced.url, tracedDataDir, 150, 50);
  return table('Tracing (issue 3)', ['measure', 'value'], [
    [`throughput, tracing off (req/s)`, fmt(median(rps.off), 0)],
    [`throughput, tracing on, collector + chDB in the gateway process (req/s)`, fmt(median(rps.on), 0)],
    ['  on / off (median of round-by-round ratios, range)', pairedRatioText(rps.on, rps.off)],
    [`throughput, tracing on, exporting to a separate collector process (req/s)`, fmt(median(rps.remote), 0)],
    ['  on / off (median of round-by-round ratios, range)', pairedRatioText(rps.remote, rps.off)],
    ['gateway process CPU per request: off / on (in-process collector) / on (remote collector) (µs)', `${fmt(median(cpu.off), 0)} / ${fmt(median(cpu.on), 0)} / ${fmt(median(cpu.remote), 0)}`],
    ['  tracing work in the gateway process (remote collector), per request', `+${fmt(median(cpu.remote.map((c, i) => c - cpu.off[i])), 0)} µs (${fmt((pairedRatio(cpu.remote, cpu.off) - 1) * 100, 0)} %)`],
    [`call end → row in llm_calls, p50 / p99 / max (ms, ${vis.count} calls at 50 req/s)`, `${fmt(vis.p50, 0)} / ${fmt(vis.p99, 0)} / ${fmt(vis.max, 0)}`],
  ]);
}

async function visibility(url: string, dataDir: string, calls: number, ratePerSec: number) {
  const pool = new Pool(url, { connections: 8 });
  const prefix = `vis-${Date.now()}-`;
  const ended = new Map<string, number>();
  const sends: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const wait = start + (i * 1000) / ratePerSec - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const id = `${prefix}${i}`;
    sends.push(
      pool.request({ method: 'POST', path: CHAT, body: chatBody('sim-fast'), headers: { 'content-type': 'application/json', 'x-request-id': id } }).then(async (res) => {
        await res.body.dump();
        ended.set(id, Date.now());
      }),
    );
  }
  await Promise.all(sends);
  await pool.close();
  const admin = await readAdminEndpoint(dataDir);
  const token = await readAdminToken(dataDir);
  if (!admin || !token) throw new Error(`no admin endpoint in ${dataDir}`);
  const seen = new Map<string, number>();
  const deadline = Date.now() + 20_000;
  while (seen.size < ended.size && Date.now() < deadline) {
    const res = await fetch(`${admin.url}/admin/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql: `SELECT request_id FROM llm_calls WHERE startsWith(request_id, '${prefix}')`, format: 'JSONEachRow' }),
    });
    const now = Date.now();
    for (const line of (await res.text()).split('\n')) {
      if (!line) continue;
      const id = (JSON.parse(line) as { request_id: string }).request_id;
      if (!seen.has(id)) seen.set(id, now);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const delays = [...seen].map(([id, t]) => t - (ended.get(id) ?? t));
  const s = summarize(delays, ended.size - seen.size);
  return { ...s, max: Math.max(...delays) };
}
