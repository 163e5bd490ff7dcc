import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimHandle, startSimServer } from '../scenarios/src/sim/index.js';

/** Runs `sluice serve` as a real process (through tsx, so no build is needed). */
function spawnServe(args: string[], cwd: string): { child: ChildProcess; url: Promise<string>; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(import.meta.dirname, '..', 'cli', 'src', 'run.ts'), 'serve', ...args], {
    cwd,
    env: { ...process.env, SLUICE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`serve exited early:\n${out}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, exit, output: () => out };
}

let sim: SimHandle;
const dir = mkdtempSync(join(tmpdir(), 'sluice-serve-'));
const file = join(dir, 'sluice.yaml');
const config = (extraModel?: string) => ({
  server: { dataDir: join(dir, 'data'), drainTimeoutMs: 10_000 },
  telemetry: { enabled: false },
  collector: { enabled: false },
  auth: { anonymous: { enabled: true } },
  providers: [{ name: 'sim', kind: 'openai', baseUrl: `${sim.url}/v1`, forwardHeaders: ['x-sim-fault'] }],
  models: { 'sim-fast': { provider: 'sim' }, ...(extraModel ? { [extraModel]: { provider: 'sim', model: 'sim-fast' } } : {}) },
});

beforeAll(async () => {
  sim = await startSimServer({ seed: 1 } as Parameters<typeof startSimServer>[0]);
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sluice serve as a process', () => {
  it('reloads when the config file changes, and drains a stream in flight on SIGTERM', async () => {
    writeFileSync(file, stringify(config()));
    const proc = spawnServe(['--config', file, '--port', '0', '--host', '127.0.0.1'], dir);
    const url = await proc.url;
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });

    writeFileSync(file, stringify(config('added-by-edit')));
    const deadline = Date.now() + 5000;
    let ids: string[] = [];
    while (Date.now() < deadline) {
      ids = (await client.models.list()).data.map((m) => m.id);
      if (ids.includes('added-by-edit')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(ids).toContain('added-by-edit');

    const stream = await client.chat.completions.create(
      { model: 'sim-fast', messages: [{ role: 'user', content: 'a slow one' }], stream: true },
      { headers: { 'x-sim-fault': 'token-ms=40;output-tokens=40' } },
    );
    let text = '';
    let signalled = false;
    let finish: string | null | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
      if (!signalled) {
        signalled = true;
        proc.child.kill('SIGTERM');
      }
    }
    expect(finish).toBe('stop');
    expect(text.split(' ').length).toBeGreaterThan(5);
    expect(await proc.exit).toBe(0);
  }, 30_000);

  it('refuses to start on an invalid config and prints every problem with its path', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, stringify({ providers: [{ name: 'p', kind: 'openai', timeouts: { connectMs: -1 } }], models: { m: { provider: 'nope' } } }));
    const proc = spawnServe(['--config', bad, '--port', '0'], dir);
    proc.url.catch(() => {});
    expect(await proc.exit).toBe(1);
    expect(proc.output()).toMatch(/providers\.0\.timeouts\.connectMs/);
    expect(proc.output()).toMatch(/models\.m\.targets\.0\.provider: unknown provider "nope"/);
  });
});
