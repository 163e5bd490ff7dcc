import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { generateVirtualKey, hashVirtualKey } from '../gateway/src/identity/index.js';
import { benchCore } from './core.js';
import { featureConfig } from './configs.js';
import { benchFeatures } from './features.js';
import { benchInProcess } from './in-process.js';
import { type Proc, startProc } from './processes.js';
import { benchTracing } from './tracing.js';

/**
 * `npm run bench`: the simulator, Sluice (tracing off and on) and a bare node:http
 * pass-through proxy, each in its own process, measured side by side in one run,
 * alternating targets so drift hits them alike; then the benches that run in-process.
 * Prints ratios; no thresholds (speed is measured here, never asserted in tests).
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 3000);
const RATE = Number(process.env.BENCH_RATE ?? 150);
const CONNECTIONS = 64;
const ONLY = process.env.BENCH_ONLY?.split(',');
const want = (section: string) => !ONLY || ONLY.includes(section);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  const virtualKey = generateVirtualKey();
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwt = await new SignJWT({ team: 'bench' }).setProtectedHeader({ alg: 'ES256' }).setIssuer('bench-issuer').setSubject('bench-jwt').setIssuedAt().setExpirationTime('2h').sign(privateKey);
  const auth = { virtualKeyHash: hashVirtualKey(virtualKey), jwtPublicJwk: { ...(await exportJWK(publicKey)) } as Record<string, unknown> };
  console.log(`# Sluice benchmark — node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${ROUNDS} rounds of ${PHASE_MS} ms phases\n`);
  const procs: Proc[] = [];
  try {
    const sim = await startProc('dist/cli/src/run.js', ['sim', '--port', '0']);
    procs.push(sim);
    const plain = await startProc('dist/cli/src/run.js', ['serve', '--config', featureConfig(sim.url, dir, auth, { kind: 'off' }), '--port', '0']);
    procs.push(plain);
    if (want('core')) {
      const bare = await startProc('dist/bench/bare-proxy-main.js', [sim.url]);
      procs.push(bare);
      console.log(await benchCore(sim, bare, plain, { rounds: ROUNDS, phaseMs: PHASE_MS, rate: RATE, connections: CONNECTIONS }));
      await bare.stop();
    }
    if (want('features')) {
      const authOnly = await startProc('dist/cli/src/run.js', ['serve', '--config', featureConfig(sim.url, dir, auth, { kind: 'off' }, true), '--port', '0']);
      procs.push(authOnly);
      const bare = await startProc('dist/bench/bare-proxy-main.js', [sim.url]);
      procs.push(bare);
      console.log(await benchFeatures(plain, authOnly, bare, { virtualKey, jwt }, ROUNDS, PHASE_MS, CONNECTIONS));
      await bare.stop();
      await authOnly.stop();
    }
    if (want('tracing')) {
      const traced = await startProc('dist/cli/src/run.js', ['serve', '--config', featureConfig(sim.url, dir, auth, { kind: 'in-process' }), '--port', '0']);
      procs.push(traced);
      const collectorConfig = featureConfig(sim.url, join(dir, 'collector-only'), auth, { kind: 'off' });
      const collector = await startProc('dist/cli/src/run.js', ['collector', '--config', collectorConfig, '--port', '0']);
      procs.push(collector);
      const remote = await startProc('dist/cli/src/run.js', ['serve', '--config', featureConfig(sim.url, dir, auth, { kind: 'remote', collectorUrl: collector.url }), '--port', '0']);
      procs.push(remote);
      console.log(await benchTracing(plain, traced, remote, join(dir, 'in-process'), ROUNDS, PHASE_MS, CONNECTIONS));
    }
  } finally {
    for (const p of procs.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  if (want('inprocess')) for (const section of await benchInProcess()) console.log(section);
}

await main();
