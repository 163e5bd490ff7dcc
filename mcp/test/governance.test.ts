import type { IncomingHttpHeaders } from 'node:http';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../gateway/src/errors.js';
import type { GuardOutcome, McpGatewayDeps, McpIdentity, ToolRef } from '../src/deps.js';
import { ERROR_META_KEY } from '../src/errors.js';
import { connectAgent, startGateway, textOf, type TestGateway } from './helpers.js';

// Policy as plain functions: dependency injection of real (tiny) implementations, no mocks.
const KEYS: Record<string, McpIdentity> = {
  'sk-alice': { method: 'virtual-key', agent: 'alice', team: 'red', keyId: 'key-1' },
  'sk-bob': { method: 'virtual-key', agent: 'bob', team: 'blue', keyId: 'key-2' },
};
async function authenticate(headers: IncomingHttpHeaders): Promise<McpIdentity> {
  const token = headers.authorization?.replace(/^Bearer\s+/i, '');
  if (!token) throw new GatewayError('GW_AUTH_MISSING', 'missing API key');
  const identity = KEYS[token];
  if (!identity) throw new GatewayError('GW_AUTH_INVALID', 'invalid API key');
  return identity;
}
const authorizeTool = (identity: McpIdentity, ref: ToolRef) =>
  identity.agent === 'bob' && ref.tool === 'lookup_customer' ? { allowed: false, rule: 'team-blue-no-pii', reason: 'personal data' } : { allowed: true, rule: 'default-allow' };
const CALLS_PER_WINDOW = 2;
const counts = new Map<string, number>();
const checkToolLimit = (identity: McpIdentity, ref: ToolRef) => {
  if (ref.tool !== 'calculate') return { allowed: true };
  const key = `${identity.agent}/${ref.exposedName}`;
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  return n > CALLS_PER_WINDOW ? { allowed: false, limit: 'tool-calls-per-minute', reason: 'tool call limit reached (2/min)', retryAfterMs: 42_000 } : { allowed: true };
};
const guardToolArguments = (args: Record<string, unknown>): GuardOutcome =>
  JSON.stringify(args).includes('DROP TABLE') ? { value: args, hits: [{ rule: 'sql-injection', action: 'reject' }], rejected: { rule: 'sql-injection', reason: 'SQL in arguments' } } : { value: args, hits: [] };
const guardToolResult = (result: Record<string, unknown>): GuardOutcome => {
  const json = JSON.stringify(result);
  const masked = json.replace(/[A-Za-z0-9._-]+@[A-Za-z0-9.-]+/g, '[EMAIL]');
  return { value: JSON.parse(masked), hits: masked === json ? [] : [{ rule: 'pii.email', action: 'mask' }] };
};
const deps: Partial<McpGatewayDeps> = { authenticate, authorizeTool, checkToolLimit, guardToolArguments, guardToolResult };

describe('governed tools/call', () => {
  let gw: TestGateway;
  let alice: Client;
  let bob: Client;
  const calls = () => gw.gateway.simState('sim')?.stats.calls ?? 0;
  beforeAll(async () => {
    gw = await startGateway({
      upstreams: [{ name: 'sim', kind: 'sim', maxArgumentBytes: 300, maxResultBytes: 3_000, sim: { tools: { fetch_document: { resultBytes: 5_000 } } } }],
    }, deps);
    alice = await connectAgent(gw.url(), { headers: { authorization: 'Bearer sk-alice' } });
    bob = await connectAgent(gw.url(), { headers: { authorization: 'Bearer sk-bob' } });
  });
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await gw?.close();
  });

  it('hides tools the agent may not use and refuses calls to them naming only the tool', async () => {
    expect((await alice.listTools()).tools.map((t) => t.name)).toContain('sim__lookup_customer');
    expect((await bob.listTools()).tools.map((t) => t.name)).not.toContain('sim__lookup_customer');
    const before = calls();
    const refused = bob.callTool({ name: 'sim__lookup_customer', arguments: { customerId: 'c-1' } });
    await expect(refused).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('Tool not available: sim__lookup_customer') });
    await expect(refused).rejects.not.toThrow(/team-blue|personal data/);
    expect(calls()).toBe(before);
  });

  it('counts calls against the per-agent tool limit', async () => {
    for (let i = 0; i < CALLS_PER_WINDOW; i++) await alice.callTool({ name: 'sim__calculate', arguments: { a: i, b: 1, op: 'add' } });
    await expect(alice.callTool({ name: 'sim__calculate', arguments: { a: 1, b: 1, op: 'add' } }))
      .rejects.toMatchObject({ code: -32000, data: { code: 'MCP_RATE_LIMITED', retryAfterMs: 42_000 } });
    // Limits are per agent: bob still has his.
    expect((await bob.callTool({ name: 'sim__calculate', arguments: { a: 1, b: 1, op: 'add' } })).structuredContent).toEqual({ result: 2 });
  });

  it('validates arguments against inputSchema without touching the upstream', async () => {
    const before = calls();
    const r = await alice.callTool({ name: 'sim__search', arguments: { query: 42, limit: 'many' } });
    expect(r.isError).toBe(true);
    expect(r._meta?.[ERROR_META_KEY]).toBe('MCP_ARGUMENTS_INVALID');
    expect(textOf(r)).toMatch(/Invalid arguments for tool sim__search: .*query/);
    expect(calls()).toBe(before);
  });

  it('runs guardrails on arguments (reject) and results (mask)', async () => {
    await expect(alice.callTool({ name: 'sim__search', arguments: { query: "x'; DROP TABLE users" } }))
      .rejects.toMatchObject({ code: -32000, data: { code: 'MCP_GUARDRAIL_REJECTED' } });
    const customer = await alice.callTool({ name: 'sim__lookup_customer', arguments: { customerId: 'c-7' } });
    expect(textOf(customer)).toMatch(/\[EMAIL\]/);
    expect(textOf(customer)).not.toMatch(/@example\.com/);
  });

  it('caps argument and result sizes', async () => {
    await expect(alice.callTool({ name: 'sim__search', arguments: { query: 'x'.repeat(400) } }))
      .rejects.toMatchObject({ code: -32602, data: { code: 'MCP_ARGUMENTS_TOO_LARGE' } });
    const big = await alice.callTool({ name: 'sim__fetch_document', arguments: { id: 'doc-1' } });
    expect(big.isError).toBe(true);
    expect(big._meta?.[ERROR_META_KEY]).toBe('MCP_RESULT_TOO_LARGE');
  });

  it('answers 401 with the RFC 9728 challenge, and serves the protected-resource metadata', async () => {
    const res = await fetch(gw.url(), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }) });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    expect(metadataUrl).toBe(`${gw.origin}/.well-known/oauth-protected-resource/mcp`);
    const prm = await (await fetch(metadataUrl ?? '')).json();
    expect(prm).toMatchObject({ resource: `${gw.origin}/mcp`, bearer_methods_supported: ['header'] });
  });

  it('keeps a session to the caller who opened it', async () => {
    const sessionId = (alice.transport as { sessionId?: string }).sessionId ?? '';
    const res = await fetch(gw.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: 'Bearer sk-bob', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list', params: {} }),
    });
    expect(res.status).toBe(404);
  });
});
