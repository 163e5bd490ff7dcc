import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashVirtualKey } from '../src/identity/index.js';
import { type Harness, simConfig, startHarness } from './harness.js';

// The default gateway governs MCP tool calls with the same identity, policy, rate limits
// and guardrails as LLM calls (gateway/src/mcp-wiring.ts), end to end through /mcp.
const KEY_OPS = 'sk-sluice-ops-agent-0123456789abcdef0123456789';
const KEY_DEV = 'sk-sluice-dev-agent-0123456789abcdef0123456789';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    config: (url) => ({
      ...simConfig(url),
      auth: {
        teams: { ops: {}, dev: {} },
        virtualKeys: [
          { id: 'k-ops', hash: hashVirtualKey(KEY_OPS), agent: 'opsbot', team: 'ops' },
          { id: 'k-dev', hash: hashVirtualKey(KEY_DEV), agent: 'devbot', team: 'dev' },
        ],
      },
      policies: { default: 'allow', rules: [{ name: 'ops-no-calculator', match: { team: 'ops' }, deny: { tools: ['calculate'] } }] },
      guardrails: { rules: [{ name: 'pii', detect: { type: 'builtin', entities: ['EMAIL', 'CREDIT_CARD'] }, action: 'mask' }] },
      rateLimits: { rules: [{ name: 'dev-search', per: 'agent', appliesTo: 'tools', match: { agent: 'devbot', tool: 'search' }, requests: 2, period: 'minute' }] },
      mcp: { upstreams: [{ name: 'sim', kind: 'sim' }] },
    }),
  });
});
afterAll(async () => {
  await h.close();
});

async function agent(key: string): Promise<Client> {
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${h.gw.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  return client;
}

const text = (r: Record<string, unknown>) => ((r.content as Array<{ type: string; text?: string }>) ?? []).map((c) => c.text ?? '').join('');

describe('MCP through the default gateway', () => {
  it('masks PII in tool results before the agent sees it', async () => {
    const dev = await agent(KEY_DEV);
    const r = await dev.callTool({ name: 'sim__lookup_customer', arguments: { customerId: 'c-42' } });
    const out = text(r);
    expect(out).toContain('Ada Lovelace');
    expect(out).toContain('[EMAIL]');
    expect(out).not.toMatch(/@example\.com/);
    expect(out).not.toContain('4111 1111 1111 1111');
    await dev.close();
  });

  it('hides and refuses tools the policy denies, per team', async () => {
    const ops = await agent(KEY_OPS);
    const dev = await agent(KEY_DEV);
    const opsTools = (await ops.listTools()).tools.map((t) => t.name);
    const devTools = (await dev.listTools()).tools.map((t) => t.name);
    expect(devTools).toContain('sim__calculate');
    expect(opsTools).not.toContain('sim__calculate');
    expect(opsTools).toContain('sim__search');
    const refused = await ops.callTool({ name: 'sim__calculate', arguments: { a: 1, b: 2, op: 'add' } }).catch((e: unknown) => e);
    expect(String((refused as Error).message ?? JSON.stringify(refused))).toMatch(/sim__calculate/);
    await ops.close();
    await dev.close();
  });

  it('applies per-tool call limits from the shared rate limiter', async () => {
    const dev = await agent(KEY_DEV);
    const results: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await dev.callTool({ name: 'sim__search', arguments: { query: `q${i}` } }).then(
        (x) => (x.isError ? `error:${text(x)}` : 'ok'),
        (e: unknown) => `error:${(e as Error).message}`,
      );
      results.push(r);
    }
    expect(results.slice(0, 2)).toEqual(['ok', 'ok']);
    expect(results[2]).toMatch(/^error:/);
    await dev.close();
  });

  it('refuses an agent without credentials', async () => {
    const res = await fetch(`${h.gw.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/Bearer/);
  });
});
