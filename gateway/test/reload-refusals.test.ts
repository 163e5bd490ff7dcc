import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimHandle, startSimServer } from '../../scenarios/src/sim/index.js';
import type { ConfigInput } from '../src/config/schema.js';
import { type RunningGateway, startGateway } from '../src/main.js';
import { SIM_TEST_KEY, simConfig } from './harness.js';

let sim: SimHandle;
let gw: RunningGateway;

beforeAll(async () => {
  sim = await startSimServer({ seed: 3 });
  gw = await startGateway({ config: simConfig(sim.url), port: 0, host: '127.0.0.1', env: { SIM_TEST_KEY }, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});

const withModel = (name: string, extra: Partial<ConfigInput> = {}): ConfigInput => {
  const c = simConfig(sim.url, extra);
  return { ...c, models: { ...c.models, [name]: { provider: 'sim', model: 'sim-fast' } } };
};

describe('reload', () => {
  it('refuses a config whose secret references do not resolve, naming each, and keeps the old one', async () => {
    const before = gw.config();
    const r = await gw.reload(
      withModel('refused', {
        auth: { anonymous: { enabled: true }, jwt: [{ issuer: 'sso', algorithms: ['ES256'], keys: [{ env: 'MISSING_JWT_PEM' }] }] },
        providers: [{ name: 'sim', kind: 'openai', baseUrl: `${sim.url}/v1`, apiKey: [{ env: 'SIM_TEST_KEY' }, { file: '/nonexistent/key' }] }],
      }),
    );
    expect(r).toEqual({
      ok: false,
      issues: [
        { path: 'providers.0.apiKey.1', message: 'file /nonexistent/key cannot be read (ENOENT)' },
        { path: 'auth.jwt.0.keys.0', message: 'env MISSING_JWT_PEM is not set' },
      ],
    });
    expect(gw.config()).toBe(before);
  });

  it('applies overlapping reloads in the order they were asked for', async () => {
    const results = await Promise.all([gw.reload(withModel('first')), gw.reload(withModel('second'))]);
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    expect(Object.keys(gw.config().models)).toContain('second');
    expect(Object.keys(gw.config().models)).not.toContain('first');
  });
});
