import { describe, expect, it } from 'vitest';
import { McpSectionSchema } from './config.js';
import { matchRoute } from './endpoint.js';

const mcp = McpSectionSchema.parse({
  upstreams: [{ name: 'a', kind: 'sim' }, { name: 'b', kind: 'sim', federate: false }, { name: 'off', kind: 'sim', enabled: false }],
  virtualServers: { solo: { upstreams: ['b'] }, duo: { upstreams: ['a', 'b'], tools: ['a__*'] } },
});

describe('MCP routes', () => {
  it('maps /mcp to the federation of enabled, federated upstreams', () => {
    expect(matchRoute('/mcp', mcp)).toMatchObject({ sub: 'main', endpoint: { kind: 'federated', name: 'default', members: ['a'], prefixed: true } });
    expect(matchRoute('/mcp/sse', mcp)).toMatchObject({ sub: 'sse', basePath: '/mcp' });
    expect(matchRoute('/mcp/messages', mcp)).toMatchObject({ sub: 'messages' });
  });

  it('maps transparent and virtual endpoints, prefixing only multi-upstream virtual servers', () => {
    expect(matchRoute('/mcp/servers/b', mcp)).toMatchObject({ endpoint: { kind: 'transparent', upstream: 'b' }, basePath: '/mcp/servers/b' });
    expect(matchRoute('/mcp/servers/b/sse', mcp)).toMatchObject({ sub: 'sse', basePath: '/mcp/servers/b' });
    expect(matchRoute('/mcp/virtual/solo', mcp)).toMatchObject({ endpoint: { members: ['b'], prefixed: false } });
    expect(matchRoute('/mcp/virtual/duo', mcp)).toMatchObject({ endpoint: { members: ['a', 'b'], prefixed: true, toolGlobs: ['a__*'] } });
  });

  it('reports unknown servers and ignores non-MCP paths', () => {
    expect(matchRoute('/mcp/servers/off', mcp)).toEqual({ unknown: 'off' });
    expect(matchRoute('/mcp/servers/nope', mcp)).toEqual({ unknown: 'nope' });
    expect(matchRoute('/mcp/elsewhere/x/y', mcp)).toMatchObject({ unknown: expect.any(String) });
    expect(matchRoute('/mcpx', mcp)).toBeUndefined();
    expect(matchRoute('/v1/chat/completions', mcp)).toBeUndefined();
  });
});
