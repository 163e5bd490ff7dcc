import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAgent, connectAgent, EVERYTHING_JS, startGateway, textOf, waitFor, type TestGateway } from './helpers.js';

/**
 * `/mcp/servers/{name}` carries the whole protocol: here server-everything (stdio, one
 * process per agent session) fronted for an agent that supports sampling, elicitation, roots.
 */
describe('transparent endpoint /mcp/servers/everything', () => {
  let gw: TestGateway;
  let agent: Client;
  const sampled: string[] = [];
  beforeAll(async () => {
    gw = await startGateway({
      upstreams: [{ name: 'everything', kind: 'stdio', command: process.execPath, args: [EVERYTHING_JS, 'stdio'], sessions: { mode: 'per-session' } }],
    });
    agent = await connectAgent(gw.url('/mcp/servers/everything'), {
      options: { capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } } },
    });
    agent.setRequestHandler(CreateMessageRequestSchema, async (req) => {
      const content = req.params.messages[0]?.content;
      const first = Array.isArray(content) ? content[0] : content;
      sampled.push(first && first.type === 'text' ? first.text : '?');
      return { role: 'assistant', content: { type: 'text', text: 'sampled by the agent' }, model: 'agent-model', stopReason: 'endTurn' };
    });
    agent.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada', check: true } }));
    agent.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///work/agent-root', name: 'agent root' }] }));
  });
  afterAll(async () => {
    await agent?.close();
    await gw?.close();
  });

  it('mirrors the upstream identity and capabilities', () => {
    expect(agent.getServerVersion()?.name).toMatch(/everything/i);
    expect(agent.getServerCapabilities()).toMatchObject({ tools: {}, resources: { subscribe: true }, prompts: {}, logging: {}, completions: {} });
  });

  it('lists tool names unprefixed, including those only offered to capable clients', async () => {
    const names = (await agent.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum', 'trigger-sampling-request', 'trigger-elicitation-request', 'get-roots-list']));
    expect(textOf(await agent.callTool({ name: 'echo', arguments: { message: 'transparent' } }))).toBe('Echo: transparent');
  });

  it('routes sampling, elicitation and roots requests back to this agent', async () => {
    const sampling = await agent.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'write a haiku', maxTokens: 20 } });
    expect(textOf(sampling)).toMatch(/sampled by the agent/);
    expect(sampled.join('\n')).toMatch(/write a haiku/);
    const elicited = await agent.callTool({ name: 'trigger-elicitation-request', arguments: {} });
    expect(textOf(elicited)).toMatch(/Ada/);
    const roots = await agent.callTool({ name: 'get-roots-list', arguments: {} });
    expect(textOf(roots)).toMatch(/file:\/\/\/work\/agent-root/);
  });

  it('relays resources, templates, subscriptions, prompts and completions unchanged', async () => {
    const { resources } = await agent.listResources();
    expect(resources.length).toBeGreaterThan(0);
    const first = resources[0];
    const read = await agent.readResource({ uri: first?.uri ?? '' });
    expect(read.contents[0]?.uri).toBe(first?.uri);
    const { resourceTemplates } = await agent.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(expect.arrayContaining([expect.stringMatching(/^demo:\/\/resource\/dynamic/)]));
    await expect(agent.subscribeResource({ uri: first?.uri ?? '' })).resolves.toEqual({});
    const { prompts } = await agent.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['simple-prompt', 'args-prompt', 'completable-prompt']));
    const prompt = await agent.getPrompt({ name: 'args-prompt', arguments: { city: 'Paris', state: 'TX' } });
    expect(JSON.stringify(prompt.messages)).toMatch(/Paris/);
    const completion = await agent.complete({ ref: { type: 'ref/prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'E' } });
    expect(completion.completion.values).toEqual(expect.arrayContaining(['Engineering']));
  });

  it('relays log messages after logging/setLevel', async () => {
    const logs: unknown[] = [];
    agent.setNotificationHandler(LoggingMessageNotificationSchema, (n) => { logs.push(n.params); });
    await agent.setLoggingLevel('debug');
    await agent.callTool({ name: 'toggle-simulated-logging', arguments: {} });
    await waitFor(() => logs.length > 0, 10_000);
    await agent.callTool({ name: 'toggle-simulated-logging', arguments: {} });
  });

  it('keeps each agent on its own upstream process', async () => {
    const other = await connectAgent(gw.url('/mcp/servers/everything'));
    const names = (await other.listTools()).tools.map((t) => t.name);
    // This agent declared no sampling capability, so its own server offers no sampling tool.
    expect(names).not.toContain('trigger-sampling-request');
    expect(gw.gateway.health()[0]).toMatchObject({ server: 'everything', mode: 'per-session', status: 'up' });
    expect(gw.gateway.health()[0]?.sessions).toBe(2);
    await closeAgent(other);
    await waitFor(() => gw.gateway.health()[0]?.sessions === 1);
  });
});
