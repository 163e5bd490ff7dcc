import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simMcpStdioCommand } from '../../scenarios/src/sim-mcp/index.js';
import { ERROR_META_KEY } from '../src/errors.js';
import { connectAgent, startGateway, textOf, waitFor, type TestGateway } from './helpers.js';

const sim = simMcpStdioCommand({ seed: 11 });

describe('upstream failures', () => {
  let gw: TestGateway;
  let agent: Client;
  beforeAll(async () => {
    gw = await startGateway({
      upstreams: [
        { name: 'simio', kind: 'stdio', command: sim.command, args: sim.args, restart: { initialDelayMs: 50, maxDelayMs: 200 } },
        { name: 'slow', kind: 'sim', toolTimeoutsMs: { long_task: 150 } },
        { name: 'dead', kind: 'streamable-http', url: 'http://127.0.0.1:9/mcp', timeouts: { connectMs: 500 }, restart: { initialDelayMs: 60_000 } },
      ],
    });
    agent = await connectAgent(gw.url());
  });
  afterAll(async () => {
    await agent?.close();
    await gw?.close();
  });

  it('turns a crash mid-call into an error result, restarts the server, and keeps the session', async () => {
    await waitFor(() => gw.gateway.health().find((h) => h.server === 'simio')?.status === 'up');
    const pid = gw.gateway.upstreamPid('simio');
    expect(pid).toBeGreaterThan(0);
    const call = agent.callTool({ name: 'simio__long_task', arguments: { durationMs: 5_000, steps: 50 } }, undefined, {
      onprogress: (p) => { if (p.progress === 1) process.kill(pid ?? 0, 'SIGKILL'); },
    });
    const r = await call;
    expect(r.isError).toBe(true);
    expect(r._meta?.[ERROR_META_KEY]).toBe('MCP_UPSTREAM_FAILED');
    await waitFor(() => gw.gateway.health().find((h) => h.server === 'simio')?.status === 'up');
    expect(gw.gateway.health().find((h) => h.server === 'simio')?.restarts).toBe(1);
    expect(gw.gateway.upstreamPid('simio')).not.toBe(pid);
    const after = await agent.callTool({ name: 'simio__calculate', arguments: { a: 2, b: 2, op: 'add' } });
    expect(after.structuredContent).toEqual({ result: 4 });
  });

  it('times out a call that never answers, with an error result and a cancel upstream', async () => {
    const stats = gw.gateway.simState('slow')?.stats;
    const started = Date.now();
    const r = await agent.callTool({ name: 'slow__long_task', arguments: { durationMs: 60_000, steps: 2 } });
    expect(r.isError).toBe(true);
    expect(r._meta?.[ERROR_META_KEY]).toBe('MCP_UPSTREAM_TIMEOUT');
    expect(textOf(r)).toMatch(/timed out after 150 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await waitFor(() => (stats?.cancelled ?? 0) === 1);
  });

  it('leaves an unreachable server out of lists and answers its calls with an error result', async () => {
    const names = (await agent.listTools()).tools.map((t) => t.name);
    expect(names).toContain('slow__search');
    expect(names.some((n) => n.startsWith('dead__'))).toBe(false);
    const r = await agent.callTool({ name: 'dead__anything', arguments: {} });
    expect(r.isError).toBe(true);
    expect(r._meta?.[ERROR_META_KEY]).toBe('MCP_UPSTREAM_FAILED');
    const dead = gw.gateway.health().find((h) => h.server === 'dead');
    expect(dead?.status).toMatch(/restarting|down/);
    expect(dead?.lastError).toBeTruthy();
  });

  it('answers initialize on the transparent endpoint of a down server with 502, not a hang', async () => {
    const res = await fetch(gw.url('/mcp/servers/dead'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ jsonrpc: '2.0', id: 1, error: { data: { code: 'MCP_UPSTREAM_UNAVAILABLE' } } });
  });

  it('applies a config reload: new upstreams appear, removed ones go', async () => {
    await gw.reconfigure({ upstreams: [{ name: 'slow', kind: 'sim', toolTimeoutsMs: { long_task: 150 } }, { name: 'fresh', kind: 'sim' }] });
    const names = (await agent.listTools()).tools.map((t) => t.name);
    expect(names).toContain('fresh__calculate');
    expect(names.some((n) => n.startsWith('simio__'))).toBe(false);
    expect(gw.gateway.health().map((h) => h.server).sort()).toEqual(['fresh', 'slow']);
  });
});
