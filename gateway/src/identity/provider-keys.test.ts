import { describe, expect, it } from 'vitest';
import type { SecretSource } from '../config/secret-ref.js';
import { GatewayError } from '../errors.js';
import type { Identity } from '../pipeline/context.js';
import { createIdentity } from './create-identity.js';
import { providerKeyFor } from './provider-keys.js';
import { testConfig } from './test/config.js';

const air: Identity = { method: 'virtual-key', agent: 'peterj', team: 'ai-research' };
const qa: Identity = { method: 'virtual-key', agent: 'tester', team: 'qa' };
const config = testConfig({
  auth: {
    teams: {
      'ai-research': { providerKeys: { openai: [{ env: 'AIR_1' }, { file: '/run/secrets/air-2' }], anthropic: { env: 'AIR_ANTHROPIC' } } },
      qa: { providerKeys: { openai: { env: 'QA_UNSET' } } },
    },
  },
});

function source(files: Record<string, string>, env: Record<string, string>): SecretSource & { reads: () => number } {
  let reads = 0;
  return {
    env,
    readFile: (p) => {
      reads++;
      const v = files[p];
      if (v === undefined) throw new Error('ENOENT');
      return v;
    },
    reads: () => reads,
  };
}

describe('per-team provider keys', () => {
  it("returns the team's own key, spreading over several, and nothing for other providers or teamless callers", () => {
    const s = source({ '/run/secrets/air-2': 'sk-air-2\n' }, { AIR_1: 'sk-air-1', AIR_ANTHROPIC: 'sk-ant-air' });
    expect(providerKeyFor(air, 'openai', config, s, 0)).toBe('sk-air-1');
    expect(providerKeyFor(air, 'openai', config, s, 1)).toBe('sk-air-2');
    expect(providerKeyFor(air, 'anthropic', config, s)).toBe('sk-ant-air');
    expect(providerKeyFor(air, 'azure', config, s)).toBeUndefined();
    expect(providerKeyFor({ method: 'anonymous', agent: 'a' }, 'openai', config, s)).toBeUndefined();
    expect(providerKeyFor({ method: 'jwt', agent: 'a', team: 'constructor' }, 'openai', config, s)).toBeUndefined();
  });

  it('reads files once per config snapshot and re-reads on reload', () => {
    const files = { '/run/secrets/air-2': 'sk-air-2' };
    const s = source(files, { AIR_1: 'sk-air-1' });
    for (let i = 0; i < 10; i++) providerKeyFor(air, 'openai', config, s, i);
    expect(s.reads()).toBe(1);
    files['/run/secrets/air-2'] = 'sk-air-2-rotated';
    expect(providerKeyFor(air, 'openai', config, s, 1)).toBe('sk-air-2');
    const reloaded = testConfig({ auth: { teams: { 'ai-research': { providerKeys: { openai: [{ env: 'AIR_1' }, { file: '/run/secrets/air-2' }] } } } } });
    expect(providerKeyFor(air, 'openai', reloaded, s, 1)).toBe('sk-air-2-rotated');
  });

  it("never falls back to another pool when a team's key is missing, and never names the value", () => {
    const s = source({}, { QA_UNSET: '' });
    let err: unknown;
    try {
      providerKeyFor(qa, 'openai', config, s);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).message).toBe("team qa's openai key (env QA_UNSET) is not set");
  });

  it('round-robins through the factory', () => {
    const identity = createIdentity({ now: Date.now, logger: { warn: () => {} } });
    const s = source({ '/run/secrets/air-2': 'sk-air-2' }, { AIR_1: 'sk-air-1' });
    const seen = new Set(Array.from({ length: 4 }, () => identity.providerKeyFor(air, 'openai', config, s)));
    expect(seen).toEqual(new Set(['sk-air-1', 'sk-air-2']));
  });
});
