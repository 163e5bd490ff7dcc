import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimHandle, startSimServer } from '../scenarios/src/sim/index.js';

const CLI = join(import.meta.dirname, '..', 'cli', 'src', 'run.ts');
const dir = mkdtempSync(join(tmpdir(), 'sluice-query-'));
const file = join(dir, 'sluice.yaml');
let sim: SimHandle;

function run(args: string[]): { out: Promise<{ code: number | null; stdout: string; stderr: string }>; kill: () => void; stdout: () => string } {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), CLI, ...args], { cwd: dir, env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    out: new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr }))),
    kill: () => child.kill('SIGTERM'),
    stdout: () => stdout,
  };
}

beforeAll(async () => {
  sim = await startSimServer({ seed: 3 });
  writeFileSync(file, stringify({
    server: { dataDir: join(dir, 'data') },
    telemetry: { batch: { scheduledDelayMs: 100 } },
    collector: { port: 0, spool: { dir: join(dir, 'spool') }, batch: { flushMs: 200 } },
    store: { path: join(dir, 'chdb') },
    auth: { anonymous: { enabled: true } },
    providers: [{ name: 'sim', kind: 'openai', baseUrl: `${sim.url}/v1` }],
    models: { 'sim-fast': { provider: 'sim' } },
  }));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sluice query', () => {
  it('asks a running server that holds the embedded store, and opens the store itself once it stopped', async () => {
    const serve = run(['serve', '--config', file, '--port', '0', '--host', '127.0.0.1']);
    const deadline = Date.now() + 20_000;
    while (!/listening on (http:\/\/\S+)/.test(serve.stdout()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (http:\/\/\S+)/.exec(serve.stdout())?.[1];
    expect(url).toBeDefined();
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: `call ${i}` }] });

    let through = { code: 1 as number | null, stdout: '', stderr: '' };
    for (let i = 0; i < 15; i++) {
      through = await run(['query', 'SELECT count() AS n FROM llm_calls', '--config', file, '--format', 'JSONEachRow']).out;
      if (through.code === 0 && Number(JSON.parse(through.stdout).n) === 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(through.code).toBe(0);
    expect(Number(JSON.parse(through.stdout).n)).toBe(3);
    const refused = await run(['query', 'DROP TABLE llm_calls', '--config', file]).out;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/readonly|read-only|Cannot execute/i);
    // chDB is its own client: INTO OUTFILE would write the file with the server's rights.
    const outfile = join(dir, 'written-by-query.txt');
    const writes = await run(['query', `SELECT 'x' INTO OUTFILE '${outfile}' TRUNCATE`, '--config', file]).out;
    expect(writes.code).toBe(1);
    expect(writes.stderr).toMatch(/INTO OUTFILE reads or writes local files/);
    expect(existsSync(outfile)).toBe(false);

    serve.kill();
    expect((await serve.out).code).toBe(0);
    const direct = await run(['query', "SELECT request_model, count() AS n FROM llm_calls GROUP BY request_model", '--config', file, '--format', 'CSV']).out;
    expect(direct.code).toBe(0);
    expect(direct.stdout.trim()).toBe('"sim-fast",3');
    const directWrites = await run(['query', `SELECT 1 INTO OUTFILE '${outfile}'`, '--config', file]).out;
    expect(directWrites.code).toBe(1);
    expect(existsSync(outfile)).toBe(false);
  }, 60_000);
});
