import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * What an operator sees when a config names a secret that is not there, or reuses YAML
 * anchors: `sluice config check` and `sluice serve` run as real processes (through tsx).
 */
const RUN = join(import.meta.dirname, '..', 'cli', 'src', 'run.ts');
const PRESENT = 'sk-present-0123456789abcdef-must-never-be-printed';
const dir = mkdtempSync(join(tmpdir(), 'sluice-refusals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sluice(args: string[]): { child: ChildProcess; output: () => string; exit: Promise<number | null>; url: Promise<string> } {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), RUN, ...args], {
    cwd: dir,
    env: { ...process.env, SLUICE_LOG_LEVEL: 'info', PRESENT_KEY: PRESENT, SLUICE_TEST_MISSING_KEY: undefined, MISSING_JWT_PEM: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => reject(new Error(`exited early:\n${out}`)));
  });
  url.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exit, url };
}

const base = (extra: Record<string, unknown> = {}) => ({
  server: { dataDir: join(dir, 'data') },
  telemetry: { enabled: false },
  collector: { enabled: false },
  mcp: { upstreams: [] },
  auth: { anonymous: { enabled: true } },
  providers: [{ name: 'p', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: { env: 'PRESENT_KEY' } }],
  models: { original: { provider: 'p', model: 'x' } },
  ...extra,
});
const withMissingKey = () => base({ providers: [{ name: 'p', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: [{ env: 'PRESENT_KEY' }, { env: 'SLUICE_TEST_MISSING_KEY' }] }] });
const withMissingJwtKey = () =>
  base({
    models: { original: { provider: 'p', model: 'x' }, 'added-by-refused-edit': { provider: 'p', model: 'x' } },
    auth: { jwt: [{ issuer: 'sso', algorithms: ['ES256'], keys: [{ kid: 'k2', env: 'MISSING_JWT_PEM' }, { kid: 'k1', file: join(dir, 'no-such.pem') }] }] },
  });
/** 150 agents sharing one anchored block: normal reuse, beyond the `yaml` package's default limit of 100. */
const manyAliases = () =>
  `${stringify({ ...base({ models: { original: { provider: 'p', model: 'x' }, 'added-by-aliases': { provider: 'p', model: 'x' } } }), auth: undefined })}` +
  `auth:\n  anonymous: { enabled: true }\n  teams: { t1: {} }\n  agents:\n${Array.from({ length: 150 }, (_, i) => `    agent${i}: ${i === 0 ? '&agent { team: t1 }' : '*agent'}`).join('\n')}\n`;
const aliasBomb = () =>
  `${stringify(base())}${Array.from({ length: 9 }, (_, i) => (i === 0 ? 'x0: &a0 [x, x, x, x, x, x, x, x, x, x]' : `x${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`)).join('\n')}\n`;

function noStackTrace(text: string): void {
  expect(text).not.toMatch(/\n\s+at /);
}

describe('sluice config check', () => {
  it('reports unresolved secret references with their paths, and never a secret value', async () => {
    const [missingFile, okFile, skipFile] = ['missing.yaml', 'ok.yaml', 'skip.yaml'].map((f) => join(dir, f));
    writeFileSync(missingFile, stringify(withMissingJwtKey()));
    writeFileSync(okFile, stringify(base()));
    writeFileSync(skipFile, stringify(withMissingKey()));
    const [missing, ok, skipped] = [['config', 'check', missingFile], ['config', 'check', okFile], ['config', 'check', skipFile, '--skip-secrets']].map(sluice);
    expect(await missing.exit).toBe(1);
    expect(missing.output()).toContain('auth.jwt.0.keys.0: env MISSING_JWT_PEM is not set');
    expect(missing.output()).toContain(`auth.jwt.0.keys.1: file ${join(dir, 'no-such.pem')} cannot be read (ENOENT)`);
    expect(missing.output()).toMatch(/resolved in this shell's environment/);
    noStackTrace(missing.output());
    expect(await ok.exit).toBe(0);
    expect(ok.output()).toMatch(/ok \(1 providers, 1 models; secrets resolve here\)/);
    expect(ok.output()).not.toContain(PRESENT);
    expect(await skipped.exit).toBe(0);
  }, 60_000);

  it('accepts reused anchors and reports an alias bomb as a problem, not a stack trace', async () => {
    const [manyFile, bombFile] = ['aliases.yaml', 'bomb.yaml'].map((f) => join(dir, f));
    writeFileSync(manyFile, manyAliases());
    writeFileSync(bombFile, aliasBomb());
    const [many, bomb] = [manyFile, bombFile].map((f) => sluice(['config', 'check', f]));
    expect(await many.exit).toBe(0);
    expect(await bomb.exit).toBe(1);
    expect(bomb.output()).toMatch(/\(yaml\): aliases expand to more than/);
    noStackTrace(bomb.output());
  }, 60_000);
});

describe('sluice serve', () => {
  it('refuses to start when a secret reference does not resolve', async () => {
    const file = join(dir, 'start.yaml');
    writeFileSync(file, stringify(withMissingKey()));
    const proc = sluice(['serve', '--config', file, '--port', '0', '--host', '127.0.0.1']);
    expect(await proc.exit).toBe(1);
    expect(proc.output()).toContain('providers.0.apiKey.1: env SLUICE_TEST_MISSING_KEY is not set');
    expect(proc.output()).not.toContain(PRESENT);
    noStackTrace(proc.output());
  }, 60_000);

  it('keeps serving the old config through refused reloads, and takes a config that reuses anchors', async () => {
    const file = join(dir, 'sluice.yaml');
    writeFileSync(file, stringify(base()));
    const proc = sluice(['serve', '--config', file, '--port', '0', '--host', '127.0.0.1']);
    const url = await proc.url;
    const models = async () => ((await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] }).data.map((m) => m.id);
    const logged = async (text: string, from: number) => {
      for (const deadline = Date.now() + 8_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        if (proc.output().indexOf(text, from) >= 0) return;
      }
      throw new Error(`"${text}" never logged:\n${proc.output()}`);
    };
    try {
      for (const [text, problem] of [
        [stringify(withMissingJwtKey()), 'auth.jwt.0.keys.0: env MISSING_JWT_PEM is not set'],
        [stringify(withMissingKey()), 'providers.0.apiKey.1: env SLUICE_TEST_MISSING_KEY is not set'],
        [aliasBomb(), '(yaml): aliases expand to more than'],
      ] as const) {
        const from = proc.output().length;
        writeFileSync(file, text);
        await logged('config reload refused', from);
        await logged(problem, from);
        expect(await models()).toEqual(['original']);
      }
      const from = proc.output().length;
      writeFileSync(file, manyAliases());
      await logged('config reloaded', from);
      expect(await models()).toEqual(['original', 'added-by-aliases']);
      expect(proc.child.exitCode).toBeNull();
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exit;
    }
    expect(proc.output()).not.toContain(PRESENT);
    noStackTrace(proc.output());
  }, 60_000);
});
