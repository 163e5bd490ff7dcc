import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigSchema } from '../../../gateway/src/config/schema.js';
import { createIdentity } from '../../../gateway/src/identity/index.js';
import { runKeysCreate } from './keys.js';

const NOW = Date.parse('2026-03-01T00:00:00Z');

async function create(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runKeysCreate(argv, (l) => lines.push(l), { now: () => NOW, random: (n) => Buffer.alloc(n, 7) });
  return { code, lines };
}

describe('sluice keys create', () => {
  it('prints the key once and a config entry that authenticates it', async () => {
    const { code, lines } = await create(['--agent', 'ci-bot', '--team', 'qa', '--expires', '30d']);
    expect(code).toBe(0);
    const keyLines = lines.filter((l) => l.trim().startsWith('sk-sluice-'));
    expect(keyLines).toHaveLength(1);
    const key = keyLines[0].trim();
    const text = lines.join('\n');
    expect(text.split(key)).toHaveLength(2);
    const yamlStart = lines.findIndex((l) => l.trim().startsWith('- id:'));
    const entries = parse(lines.slice(yamlStart).filter((l) => l.startsWith('  ')).map((l) => l.slice(2)).join('\n')) as Array<Record<string, string>>;
    expect(entries).toEqual([{ id: 'ci-bot-070707', hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), agent: 'ci-bot', team: 'qa', expiresAt: '2026-03-31T00:00:00.000Z' }]);
    expect(JSON.stringify(entries)).not.toContain(key);

    const config = ConfigSchema.parse({ auth: { teams: { qa: {} }, virtualKeys: entries } });
    const identity = createIdentity({ now: () => NOW, logger: { warn: () => {} } });
    await expect(identity.authenticate({ authorization: `Bearer ${key}` }, config)).resolves.toEqual({ method: 'virtual-key', agent: 'ci-bot', team: 'qa', keyId: 'ci-bot-070707' });
  });

  it('takes an explicit id and quotes unusual agent names safely', async () => {
    const { code, lines } = await create(['--agent', 'auth0|5f: x', '--id', 'legacy.1']);
    expect(code).toBe(0);
    const yamlStart = lines.findIndex((l) => l.trim().startsWith('- id:'));
    const entries = parse(lines.slice(yamlStart).map((l) => l.slice(2)).join('\n')) as Array<Record<string, string>>;
    expect(entries[0]).toMatchObject({ id: 'legacy.1', agent: 'auth0|5f: x' });
    expect(entries[0].expiresAt).toBeUndefined();
  });

  it('refuses bad usage with exit code 2', async () => {
    for (const argv of [[], ['--agent', ''], ['--agent', 'a', '--expires', '30 days'], ['--agent', 'a', '--id', 'no spaces'], ['--agent', 'a', '--bogus'], ['--agent', 'a', 'extra']]) {
      const { code, lines } = await create(argv);
      expect(code).toBe(2);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines.join('\n')).not.toContain('sk-sluice-');
    }
    expect((await create(['--help'])).code).toBe(0);
  });
});
