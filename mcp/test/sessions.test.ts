import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeAgent, connectAgent, EVERYTHING_JS, MEMORY_JS, startGateway, textOf, waitFor, type TestGateway } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-sessions-'));
const memory = (mode: 'shared' | 'per-session', extra: Record<string, unknown> = {}) => ({
  name: 'memory', kind: 'stdio' as const, command: process.execPath, args: [MEMORY_JS],
  // One state file per upstream client: per agent session in per-session mode.
  env: { MEMORY_FILE_PATH: join(dir, `${mode}-{{clientId}}.jsonl`) },
  sessions: { mode, ...extra },
});
const entity = (name: string) => ({ name: 'memory__create_entities', arguments: { entities: [{ name, entityType: 'agent', observations: [`owned by ${name}`] }] } });
const graphNames = async (agent: Awaited<ReturnType<typeof connectAgent>>) =>
  (JSON.parse(textOf(await agent.callTool({ name: 'memory__read_graph', arguments: {} }))) as { entities: Array<{ name: string }> }).entities.map((e) => e.name).sort();

const gateways: TestGateway[] = [];
afterEach(async () => {
  while (gateways.length) await gateways.pop()?.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function gateway(...args: Parameters<typeof startGateway>): Promise<TestGateway> {
  const gw = await startGateway(...args);
  gateways.push(gw);
  return gw;
}

describe('session model', () => {
  it('per-session: two agents\' server-memory graphs do not mix', async () => {
    const gw = await gateway({ upstreams: [memory('per-session')] });
    const [a, b] = [await connectAgent(gw.url()), await connectAgent(gw.url())];
    await a.callTool(entity('agent-a'));
    await b.callTool(entity('agent-b'));
    expect(await graphNames(a)).toEqual(['agent-a']);
    expect(await graphNames(b)).toEqual(['agent-b']);
    expect(gw.gateway.health()[0]).toMatchObject({ mode: 'per-session', sessions: 2 });
    await closeAgent(a);
    await closeAgent(b);
    await waitFor(() => gw.gateway.health()[0]?.sessions === 0);
  });

  it('shared: one client serves every agent (the state is common)', async () => {
    const gw = await gateway({ upstreams: [memory('shared')] });
    const [a, b] = [await connectAgent(gw.url()), await connectAgent(gw.url())];
    await a.callTool(entity('agent-a'));
    await b.callTool(entity('agent-b'));
    expect(await graphNames(a)).toEqual(['agent-a', 'agent-b']);
    await a.close();
    await b.close();
  });

  it('enforces the per-session pool limit by closing the least recently used idle client', async () => {
    const gw = await gateway({ upstreams: [memory('per-session', { maxSessions: 1 })] });
    const [a, b] = [await connectAgent(gw.url()), await connectAgent(gw.url())];
    await a.callTool(entity('agent-a'));
    await b.callTool(entity('agent-b'));
    expect(gw.gateway.health()[0]?.sessions).toBe(1);
    // a's client was evicted: a gets a fresh one (and a fresh graph).
    expect(await graphNames(a)).toEqual([]);
    await a.close();
    await b.close();
  });

  it('reaps idle per-session clients and idle agent sessions', async () => {
    const gw = await gateway({ upstreams: [memory('per-session', { idleTimeoutMs: 150 })], limits: { sessionIdleTimeoutMs: 600 } });
    const a = await connectAgent(gw.url());
    await a.callTool(entity('agent-a'));
    expect(gw.gateway.health()[0]?.sessions).toBe(1);
    await waitFor(() => gw.gateway.health()[0]?.sessions === 0);
    expect(gw.gateway.sessionCount()).toBe(1);
    await waitFor(() => gw.gateway.sessionCount() === 0);
    await expect(a.listTools()).rejects.toThrow(/404|Session not found/);
    await a.close();
  });

  it('never passes the gateway\'s own environment to a stdio server', async () => {
    process.env.SLUICE_PLANTED_SECRET = 'sk-planted-0123456789';
    process.env.SLUICE_TEST_UPSTREAM_TOKEN = 'token-for-everything';
    try {
      const gw = await gateway({
        upstreams: [{ name: 'everything', kind: 'stdio', command: process.execPath, args: [EVERYTHING_JS, 'stdio'], env: { GREETING: 'hello', API_TOKEN: { env: 'SLUICE_TEST_UPSTREAM_TOKEN' } } }],
      });
      const agent = await connectAgent(gw.url());
      const env = textOf(await agent.callTool({ name: 'everything__get-env', arguments: {} }));
      expect(env).toContain('GREETING');
      expect(env).toContain('token-for-everything');
      expect(env).not.toContain('sk-planted-0123456789');
      expect(env).not.toContain('SLUICE_PLANTED_SECRET');
      await agent.close();
    } finally {
      delete process.env.SLUICE_PLANTED_SECRET;
      delete process.env.SLUICE_TEST_UPSTREAM_TOKEN;
    }
  });
});
