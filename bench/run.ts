import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type LatencyStats, type Target, closedLoop, openLoop, streamTtft } from './load.js';
import { type Proc, startProc } from './processes.js';

/**
 * `npm run bench`: the simulator, Sluice and a bare node:http pass-through proxy, each in
 * its own process, measured side by side in one run, alternating targets so drift hits
 * them alike. Prints ratios; no thresholds (speed is measured here, never asserted in tests).
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 4000);
const RATE = Number(process.env.BENCH_RATE ?? 150);
const CONNECTIONS = 64;

const CHAT = '/v1/chat/completions';
const body = JSON.stringify({ model: 'sim-fast', messages: [{ role: 'user', content: 'Say something short about benchmarks.' }], max_tokens: 32 });
const streamBody = JSON.stringify({ model: 'sim-fast', stream: true, messages: [{ role: 'user', content: 'Stream a short answer.' }], max_tokens: 32 });

function gatewayConfig(simUrl: string, dir: string): string {
  const file = join(dir, 'bench.yaml');
  writeFileSync(file, stringify({
    server: { dataDir: join(dir, 'data') },
    telemetry: { enabled: false },
    collector: { enabled: false },
    providers: [{ name: 'sim', kind: 'openai', baseUrl: `${simUrl}/v1` }],
    models: { 'sim-fast': { provider: 'sim' } },
  }));
  return file;
}

const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  const sim = await startProc('dist/cli/src/run.js', ['sim', '--port', '0']);
  const procs: Proc[] = [sim];
  try {
    const gw = await startProc('dist/cli/src/run.js', ['serve', '--config', gatewayConfig(sim.url, dir), '--port', '0']);
    procs.push(gw);
    const bare = await startProc('dist/bench/bare-proxy-main.js', [sim.url]);
    procs.push(bare);
    const targets: Target[] = [{ name: 'direct', url: sim.url }, { name: 'bare-proxy', url: bare.url }, { name: 'sluice', url: gw.url }];
    const cpuOf: Record<string, Proc | undefined> = { direct: undefined, 'bare-proxy': bare, sluice: gw };

    // Warm up connections and JIT.
    for (const t of targets) await closedLoop(t, CHAT, body, 16, 1000);

    const rps: Record<string, number[]> = {};
    const cpuPerReq: Record<string, number[]> = {};
    for (let r = 0; r < ROUNDS; r++) {
      for (const t of targets) {
        const p = cpuOf[t.name];
        const c0 = p?.cpuMicros() ?? 0;
        const res = await closedLoop(t, CHAT, body, CONNECTIONS, PHASE_MS);
        if (p) (cpuPerReq[t.name] ??= []).push((p.cpuMicros() - c0) / Math.max(1, res.requests));
        (rps[t.name] ??= []).push(res.rps);
        if (res.errors) console.error(`  ${t.name}: ${res.errors} errors in throughput round ${r + 1}`);
      }
    }
    const lat: Record<string, LatencyStats[]> = {};
    for (let r = 0; r < ROUNDS; r++) {
      for (const t of targets) (lat[t.name] ??= []).push(await openLoop(t, CHAT, body, RATE, PHASE_MS));
    }
    const ttft: Record<string, LatencyStats> = {};
    for (const t of targets) ttft[t.name] = await streamTtft(t, CHAT, streamBody, 300);

    const m = (name: string) => ({
      rps: median(rps[name]),
      p50: median(lat[name].map((l) => l.p50)),
      p99: median(lat[name].map((l) => l.p99)),
      ttft: ttft[name].p50,
      cpu: cpuPerReq[name] ? median(cpuPerReq[name]) : NaN,
    });
    const d = m('direct');
    const b = m('bare-proxy');
    const s = m('sluice');
    const lines = [
      `Sluice gateway benchmark (${ROUNDS} rounds, ${PHASE_MS} ms phases, node ${process.version}, ${new Date().toISOString().slice(0, 10)})`,
      '',
      '| measure | direct | bare proxy | sluice | sluice vs bare | sluice − direct |',
      '|---|---|---|---|---|---|',
      `| throughput, ${CONNECTIONS} connections (req/s) | ${fmt(d.rps, 0)} | ${fmt(b.rps, 0)} | ${fmt(s.rps, 0)} | ${fmt(s.rps / b.rps)}× | |`,
      `| latency p50 at ${RATE} req/s (ms) | ${fmt(d.p50)} | ${fmt(b.p50)} | ${fmt(s.p50)} | | +${fmt(s.p50 - d.p50)} ms |`,
      `| latency p99 at ${RATE} req/s (ms) | ${fmt(d.p99)} | ${fmt(b.p99)} | ${fmt(s.p99)} | | +${fmt(s.p99 - d.p99)} ms |`,
      `| streaming TTFT p50 (ms) | ${fmt(d.ttft)} | ${fmt(b.ttft)} | ${fmt(s.ttft)} | | +${fmt(s.ttft - d.ttft)} ms |`,
      `| CPU per request (µs) | | ${fmt(b.cpu, 0)} | ${fmt(s.cpu, 0)} | ${fmt(s.cpu / b.cpu)}× | |`,
    ];
    console.log(lines.join('\n'));
  } finally {
    for (const p of procs.reverse()) await p.stop();
  }
}

await main();
