import { type LatencyStats, type Target, closedLoop, openLoop, streamTtft } from './load.js';
import type { Proc } from './processes.js';
import { fmt, median, table } from './report.js';

export interface CoreOptions {
  rounds: number;
  phaseMs: number;
  rate: number;
  connections: number;
}

const CHAT = '/v1/chat/completions';
export const chatBody = (model: string, content = 'Say something short about benchmarks.') =>
  JSON.stringify({ model, messages: [{ role: 'user', content }], max_tokens: 32 });
export const streamBody = (model: string, content = 'Stream a short answer.') =>
  JSON.stringify({ model, stream: true, messages: [{ role: 'user', content }], max_tokens: 32 });

/** Direct-to-simulator vs bare proxy vs Sluice: throughput, latency at a fixed rate, TTFT, CPU. */
export async function benchCore(sim: Proc, bare: Proc, gw: Proc, o: CoreOptions): Promise<string> {
  const targets: Array<Target & { proc?: Proc }> = [{ name: 'direct', url: sim.url }, { name: 'bare', url: bare.url, proc: bare }, { name: 'sluice', url: gw.url, proc: gw }];
  const body = chatBody('sim-fast');
  for (const t of targets) await closedLoop(t, CHAT, body, 16, 1000);
  const rps: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  for (let r = 0; r < o.rounds; r++) {
    for (const t of targets) {
      const c0 = t.proc?.cpuMicros() ?? 0;
      const res = await closedLoop(t, CHAT, body, o.connections, o.phaseMs);
      if (t.proc) (cpu[t.name] ??= []).push((t.proc.cpuMicros() - c0) / Math.max(1, res.requests));
      (rps[t.name] ??= []).push(res.rps);
    }
  }
  const lat: Record<string, LatencyStats[]> = {};
  for (let r = 0; r < o.rounds; r++) for (const t of targets) (lat[t.name] ??= []).push(await openLoop(t, CHAT, body, o.rate, o.phaseMs));
  const ttft: Record<string, number[]> = {};
  for (let r = 0; r < o.rounds; r++) for (const t of targets) (ttft[t.name] ??= []).push((await streamTtft(t, CHAT, streamBody('sim-fast'), 150)).p50);
  const m = (n: string) => ({ rps: median(rps[n]), p50: median(lat[n].map((l) => l.p50)), p99: median(lat[n].map((l) => l.p99)), ttft: median(ttft[n]), cpu: cpu[n] ? median(cpu[n]) : NaN });
  const d = m('direct');
  const b = m('bare');
  const s = m('sluice');
  return table('Gateway overhead (issue 2)', ['measure', 'direct', 'bare proxy', 'sluice', 'sluice vs bare', 'sluice − direct'], [
    [`throughput, ${o.connections} connections (req/s)`, fmt(d.rps, 0), fmt(b.rps, 0), fmt(s.rps, 0), `${fmt(s.rps / b.rps)}×`, ''],
    [`latency p50 at ${o.rate} req/s (ms)`, fmt(d.p50), fmt(b.p50), fmt(s.p50), '', `+${fmt(s.p50 - d.p50)}`],
    [`latency p99 at ${o.rate} req/s (ms)`, fmt(d.p99), fmt(b.p99), fmt(s.p99), '', `+${fmt(s.p99 - d.p99)}`],
    ['streaming TTFT p50 (ms)', fmt(d.ttft), fmt(b.ttft), fmt(s.ttft), '', `+${fmt(s.ttft - d.ttft)}`],
    ['CPU per request (µs)', '', fmt(b.cpu, 0), fmt(s.cpu, 0), `${fmt(s.cpu / b.cpu)}×`, ''],
  ]);
}
