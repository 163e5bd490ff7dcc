import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimHandle, startSimServer } from '../../scenarios/src/sim/index.js';
import { type RunningGateway, startGateway } from '../src/main.js';
import { SIM_TEST_KEY, simConfig } from './harness.js';

let dir: string;
let file: string;
let sim: SimHandle;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-reload-'));
  file = join(dir, 'sluice.yaml');
  sim = await startSimServer({ seed: 5 });
  writeFileSync(file, stringify(simConfig(sim.url)));
  gw = await startGateway({ configPath: file, port: 0, host: '127.0.0.1', env: { SIM_TEST_KEY }, logger: pino({ level: 'silent' }) });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  // Optional calls: a start-up that failed half-way still removes the config directory.
  await gw?.close();
  await sim?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const withModel = (name?: string) => {
  const c = simConfig(sim.url);
  if (name) c.models = { ...c.models, [name]: { provider: 'sim', model: 'sim-fast' } };
  return stringify(c);
};

describe('hot reload', () => {
  it('swaps in a valid config for new requests', async () => {
    expect((await client.models.list()).data.map((m) => m.id)).not.toContain('brand-new');
    writeFileSync(file, withModel('brand-new'));
    expect(await gw.reload()).toEqual({ ok: true });
    expect((await client.models.list()).data.map((m) => m.id)).toContain('brand-new');
    const res = await client.chat.completions.create({ model: 'brand-new', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.choices[0].message.content).toBeTruthy();
  });

  it('refuses an invalid config with every problem and keeps serving the old one', async () => {
    writeFileSync(file, stringify({ server: { port: 'eighty' }, providers: [{ name: 'x', kind: 'martian' }], bogus: 1 }));
    const r = await gw.reload();
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['server.port', 'providers.0.kind', '(root)']));
    const res = await client.chat.completions.create({ model: 'brand-new', messages: [{ role: 'user', content: 'still here?' }] });
    expect(res.choices[0].message.content).toBeTruthy();
  });

  it('an in-flight stream finishes on the config it started with', async () => {
    writeFileSync(file, withModel('brand-new'));
    await gw.reload();
    const stream = await client.chat.completions.create(
      { model: 'brand-new', messages: [{ role: 'user', content: 'long one' }], stream: true },
      { headers: { 'x-sim-fault': 'token-ms=20;output-tokens=30' } },
    );
    writeFileSync(file, withModel()); // drops "brand-new"
    let text = '';
    let reloaded = false;
    let finish: string | null | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
      if (!reloaded) {
        reloaded = true;
        expect(await gw.reload()).toEqual({ ok: true });
      }
    }
    expect(finish).toBe('stop');
    expect(text.length).toBeGreaterThan(0);
    const err = await client.chat.completions.create({ model: 'brand-new', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  });
});
