import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfigInput } from './default-config.js';
import { loadConfigFile, parseConfig, parseConfigText } from './load.js';
import { resolveSecret } from './secret-ref.js';

describe('config loading', () => {
  it('applies defaults and freezes the result', () => {
    const r = parseConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.server.port).toBe(8080);
    expect(r.config.server.maxBodyBytes).toBe(10 * 1024 * 1024);
    expect(Object.isFrozen(r.config.server)).toBe(true);
  });

  it('reports every problem with its path, unknown keys included', () => {
    const r = parseConfig({
      server: { port: 70000, color: 'blue' },
      providers: [{ name: 'a', kind: 'openai', apiKey: 'sk-inline-secret' }],
      models: { m: { provider: 'missing' } },
      nonsense: true,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.issues.map((i) => [i.path, i.message]));
    expect(byPath['server.port']).toBeDefined();
    expect(byPath.server).toMatch(/unknown key: color/);
    expect(byPath['providers.0.apiKey']).toBeDefined();
    expect(byPath['(root)']).toMatch(/unknown key: nonsense/);
  });

  it('checks that models name known providers', () => {
    const r = parseConfig({ providers: [{ name: 'p', kind: 'openai' }], models: { m: { targets: [{ provider: 'q' }] } } });
    expect(r.ok ? [] : r.issues).toEqual([{ path: 'models.m.targets.0.provider', message: 'unknown provider "q"' }]);
  });

  it('takes api only on sim providers, and refuses an Anthropic provider as the embeddings upstream', () => {
    const r = parseConfig({
      providers: [{ name: 'a', kind: 'anthropic', api: 'anthropic' }, { name: 's', kind: 'sim', api: 'anthropic' }],
      cache: { semantic: { embeddings: { provider: 's', model: 'sim-embed' } } },
    });
    expect(r.ok ? [] : r.issues).toEqual([
      { path: 'providers.0.api', message: 'only a sim provider takes api; kind anthropic fixes its wire API' },
      { path: 'cache.semantic.embeddings.provider', message: 'provider "s" speaks Anthropic Messages, which has no embeddings API' },
    ]);
    const unknown = parseConfig({ cache: { semantic: { embeddings: { provider: 'nope', model: 'e' } } } });
    expect(unknown.ok ? [] : unknown.issues).toEqual([{ path: 'cache.semantic.embeddings.provider', message: 'unknown provider "nope"' }]);
  });

  it('reports YAML syntax errors with line and column', () => {
    const r = parseConfigText('server:\n  port: 8080\n  host: [oops\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0].path).toMatch(/^line \d+, column \d+$/);
  });

  it('accepts an anchor reused many times (one agent block for 150 agents)', () => {
    const agents = Array.from({ length: 150 }, (_, i) => `    agent${i}: ${i === 0 ? '&agent { team: t1 }' : '*agent'}`).join('\n');
    const r = parseConfigText(`auth:\n  teams: { t1: {} }\n  agents:\n${agents}\n`);
    expect(r.ok ? Object.keys(r.config.auth.agents).length : r.issues).toBe(150);
  });

  it('refuses alias bombs and self-referencing aliases as problems, without throwing', () => {
    const levels = Array.from({ length: 9 }, (_, i) => (i === 0 ? 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]' : `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`));
    const bomb = parseConfigText(`${levels.join('\n')}\n`);
    expect(bomb.ok ? [] : bomb.issues).toEqual([{ path: '(yaml)', message: expect.stringMatching(/^aliases expand to more than 10000 nodes/) }]);
    for (const text of ['auth:\n  admins: &a [*a]\n', 'providers:\n  - &p { name: p, kind: openai, headers: *p }\n']) {
      const r = parseConfigText(text);
      expect(r.ok).toBe(false);
    }
  });

  it('never takes a secret inline: keys are env or file references', () => {
    const ok = parseConfig({ providers: [{ name: 'p', kind: 'openai', apiKey: [{ env: 'A' }, { file: '/run/secrets/b' }] }] });
    expect(ok.ok).toBe(true);
    const src = { env: { A: 'sk-a' }, readFile: (p: string) => (p === '/run/secrets/b' ? 'sk-b\n' : '') };
    expect(resolveSecret({ env: 'A' }, src)).toBe('sk-a');
    expect(resolveSecret({ file: '/run/secrets/b' }, src)).toBe('sk-b');
    expect(resolveSecret({ env: 'MISSING' }, src)).toBeUndefined();
  });

  it('the default config serves the simulator, and adds providers whose keys are in the environment', () => {
    const bare = parseConfig(defaultConfigInput({}));
    expect(bare.ok && Object.keys(bare.config.models)).toEqual(['sim-fast', 'sim-realistic', 'sim-embed', 'sim-claude']);
    const withKeys = parseConfig(defaultConfigInput({ OPENAI_API_KEY: 'sk-x', ANTHROPIC_API_KEY: 'sk-ant-x', OLLAMA_BASE_URL: 'http://127.0.0.1:11434/' }));
    expect(withKeys.ok).toBe(true);
    if (!withKeys.ok) return;
    expect(withKeys.config.providers.map((p) => [p.name, p.kind])).toEqual([['sim', 'sim'], ['sim-anthropic', 'sim'], ['openai', 'openai'], ['anthropic', 'anthropic'], ['ollama', 'openai']]);
    expect(withKeys.config.providers[4].baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(withKeys.config.models['gpt-4o-mini'].targets[0].provider).toBe('openai');
    expect(withKeys.config.models['claude-sonnet-4-5'].targets[0].provider).toBe('anthropic');
    expect(JSON.stringify(withKeys.config)).not.toMatch(/sk-x|sk-ant-x/);
  });

  it('a secret written into the file is refused with what belongs there instead', () => {
    const r = parseConfigText('providers:\n  - name: p\n    kind: openai\n    apiKey: sk-live-0123456789\n');
    expect(r.ok ? [] : r.issues).toEqual([{ path: 'providers.0.apiKey', message: expect.stringMatching(/must be a reference, \{ env: VARIABLE \} or \{ file: PATH \}/) }]);
    expect(JSON.stringify(r)).not.toContain('sk-live');
  });

  it('server.dataDir holds the store and the spool unless the file places them itself', () => {
    const moved = parseConfigText('server:\n  dataDir: /srv/sluice\n');
    expect(moved.ok && [moved.config.store.path, moved.config.collector.spool.dir]).toEqual([join('/srv/sluice', 'chdb'), join('/srv/sluice', 'spool')]);
    const placed = parseConfigText('server:\n  dataDir: /srv/sluice\nstore:\n  path: /fast/chdb\ncollector:\n  spool: { dir: /fast/spool }\n');
    expect(placed.ok && [placed.config.store.path, placed.config.collector.spool.dir]).toEqual(['/fast/chdb', '/fast/spool']);
    const unset = parseConfigText('server:\n  port: 9000\n');
    expect(unset.ok && [unset.config.server.dataDir, unset.config.store.path, unset.config.collector.spool.dir]).toEqual(['./.sluice', './.sluice/chdb', './.sluice/spool']);
  });

  it('the checked-in config.example.yaml is valid', async () => {
    const r = await loadConfigFile(join(import.meta.dirname, '..', '..', '..', 'config.example.yaml'));
    expect(r.ok ? [] : r.issues).toEqual([]);
  });
});
