import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, EVERYTHING_JS, MEMORY_JS, startGateway, textOf, waitFor, type TestGateway } from './helpers.js';

/** Federation of real npm MCP servers (stdio) and the simulator behind `/mcp`. */
describe('federated endpoint /mcp', () => {
  let gw: TestGateway;
  let agent: Client;
  const memoryDir = mkdtempSync(join(tmpdir(), 'sluice-memory-'));
  beforeAll(async () => {
    gw = await startGateway({
      upstreams: [
        { name: 'everything', kind: 'stdio', command: process.execPath, args: [EVERYTHING_JS, 'stdio'] },
        { name: 'memory', kind: 'stdio', command: process.execPath, args: [MEMORY_JS], env: { MEMORY_FILE_PATH: join(memoryDir, 'memory.jsonl') }, sessions: { mode: 'per-session' } },
        { name: 'sim', kind: 'sim' },
      ],
      virtualServers: {
        calc: { upstreams: ['sim'], tools: ['calculate', 'search'] },
        research: { upstreams: ['sim', 'everything'], tools: ['sim__search', 'everything__echo'] },
      },
    });
    agent = await connectAgent(gw.url());
  });
  afterAll(async () => {
    await agent?.close();
    await gw?.close();
    rmSync(memoryDir, { recursive: true, force: true });
  });

  it('lists every upstream tool under <server>__<tool>, as valid MCP tool names', async () => {
    const { tools } = await agent.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['everything__echo', 'everything__get-sum', 'memory__create_entities', 'memory__read_graph', 'sim__search', 'sim__calculate']));
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    // Task-only tools cannot be relayed by the federation, so they are not offered.
    expect(names).not.toContain('everything__simulate-research-query');
    // Definitions pass through (annotations, schemas), only the name changes.
    const echo = tools.find((t) => t.name === 'everything__echo');
    expect(echo?.inputSchema.required).toEqual(['message']);
  });

  it('routes calls to the right upstream, structured content included', async () => {
    expect(textOf(await agent.callTool({ name: 'everything__echo', arguments: { message: 'hi via sluice' } }))).toBe('Echo: hi via sluice');
    expect(textOf(await agent.callTool({ name: 'everything__get-sum', arguments: { a: 40, b: 2 } }))).toMatch(/42/);
    const weather = await agent.callTool({ name: 'everything__get-structured-content', arguments: { location: 'Chicago' } });
    expect(weather.structuredContent).toMatchObject({ temperature: expect.any(Number) });
    const calc = await agent.callTool({ name: 'sim__calculate', arguments: { a: 6, b: 7, op: 'multiply' } });
    expect(calc.structuredContent).toEqual({ result: 42 });
    const created = await agent.callTool({ name: 'memory__create_entities', arguments: { entities: [{ name: 'sluice', entityType: 'gateway', observations: ['routes tools'] }] } });
    expect(created.isError).toBeFalsy();
  });

  it('relays progress with the agent\'s own token', async () => {
    const progress: number[] = [];
    const r = await agent.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 0.4, steps: 4 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(r.isError).toBeFalsy();
    // server-everything's last step often races its result (direct too): 3 or 4 updates.
    expect(progress.slice(0, 3)).toEqual([1, 2, 3]);
    const simProgress: number[] = [];
    await agent.callTool({ name: 'sim__long_task', arguments: { durationMs: 200, steps: 4 } }, undefined, { onprogress: (p) => simProgress.push(p.progress) });
    expect(simProgress).toEqual([1, 2, 3, 4]);
  });

  it('forwards the agent\'s cancellation upstream', async () => {
    const sim = gw.gateway.simState('sim');
    const before = sim?.stats.cancelled ?? 0;
    const ac = new AbortController();
    const call = agent.callTool({ name: 'sim__long_task', arguments: { durationMs: 10_000, steps: 100 } }, undefined, {
      signal: ac.signal,
      onprogress: (p) => { if (p.progress >= 2) ac.abort(); },
    });
    await expect(call).rejects.toThrow();
    await waitFor(() => (sim?.stats.cancelled ?? 0) > before);
  });

  it('refuses unknown names with a JSON-RPC error naming the tool', async () => {
    await expect(agent.callTool({ name: 'nowhere__tool', arguments: {} })).rejects.toThrow(/Tool not available: nowhere__tool/);
    await expect(agent.callTool({ name: 'no-separator', arguments: {} })).rejects.toThrow(/-32602/);
  });

  it('merges prompts and resources under the same names', async () => {
    const { prompts } = await agent.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['everything__simple-prompt', 'sim__summarize_document']));
    const prompt = await agent.getPrompt({ name: 'sim__summarize_document', arguments: { id: 'doc-9' } });
    expect(JSON.stringify(prompt.messages)).toMatch(/doc-9/);
    const { resources } = await agent.listResources();
    const readme = resources.find((r) => r.uri === 'sim://readme');
    expect(readme).toBeDefined();
    expect(JSON.stringify(await agent.readResource({ uri: 'sim://readme' }))).toMatch(/Simulated MCP server/);
    const { resourceTemplates } = await agent.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('sim://documents/{id}');
    expect(JSON.stringify(await agent.readResource({ uri: 'sim://documents/abc' }))).toMatch(/sim:\/\/documents\/abc/);
  });

  it('serves virtual servers: one upstream without prefix, several with, tool globs applied', async () => {
    const calc = await connectAgent(gw.url('/mcp/virtual/calc'));
    expect((await calc.listTools()).tools.map((t) => t.name).sort()).toEqual(['calculate', 'search']);
    expect((await calc.callTool({ name: 'calculate', arguments: { a: 1, b: 2, op: 'add' } })).structuredContent).toEqual({ result: 3 });
    await expect(calc.callTool({ name: 'long_task', arguments: { durationMs: 1 } })).rejects.toThrow(/Tool not available/);
    await calc.close();
    const research = await connectAgent(gw.url('/mcp/virtual/research'));
    expect((await research.listTools()).tools.map((t) => t.name).sort()).toEqual(['everything__echo', 'sim__search']);
    await research.close();
  });

  it('forwards tools/list_changed when an upstream changes its tools', async () => {
    let changed = 0;
    const watcher = await connectAgent(gw.url(), { options: { listChanged: { tools: { onChanged: () => { changed += 1; }, debounceMs: 0 } } } });
    await watcher.listTools();
    const sim = gw.gateway.simState('sim');
    // The notification rides the agent's standalone GET stream, opened just after initialize.
    for (let i = 0; i < 50 && changed === 0; i++) {
      sim?.setToolDescription('fetch_document', `Fetches a document (revision ${i})`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(changed).toBeGreaterThan(0);
    const tools = (await watcher.listTools()).tools;
    expect(tools.find((t) => t.name === 'sim__fetch_document')?.description).toMatch(/revision/);
    await watcher.close();
  });
});
