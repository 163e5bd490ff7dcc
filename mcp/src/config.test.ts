import { describe, expect, it } from 'vitest';
import { McpSectionSchema } from './config.js';

describe('mcp config section', () => {
  it('defaults to the built-in simulator, federated at /mcp', () => {
    const mcp = McpSectionSchema.parse(undefined);
    expect(mcp.upstreams).toHaveLength(1);
    expect(mcp.upstreams[0]).toMatchObject({ name: 'sim', kind: 'sim', federate: true, pinTools: 'record', sessions: { mode: 'shared' } });
    expect(mcp.limits.maxBodyBytes).toBe(4 * 1024 * 1024);
  });

  it('accepts every upstream kind with its own fields and secret references', () => {
    const mcp = McpSectionSchema.parse({
      upstreams: [
        { name: 'fs', kind: 'stdio', command: 'npx', args: ['-y', 'server'], env: { TOKEN: { env: 'FS_TOKEN' }, MODE: 'ro' }, sessions: { mode: 'per-session', maxSessions: 4 } },
        { name: 'remote', kind: 'streamable-http', url: 'https://mcp.example/mcp', credentials: { secret: { file: '/run/secrets/remote' } } },
        { name: 'old', kind: 'sse', url: 'https://old.example/sse', headers: { 'x-tenant': 'a' } },
        { name: 'sock', kind: 'websocket', url: 'wss://ws.example/mcp' },
        { name: 'sim', kind: 'sim', sim: { seed: 3, tools: { search: { latencyMs: { minMs: 5, maxMs: 10 } } } } },
      ],
      virtualServers: { support: { upstreams: ['remote', 'sim'], tools: ['sim__search'] } },
    });
    expect(mcp.upstreams.map((u) => u.kind)).toEqual(['stdio', 'streamable-http', 'sse', 'websocket', 'sim']);
    expect(mcp.virtualServers.support?.prefix).toBe('auto');
  });

  it('refuses unknown keys, inline secrets, bad names, duplicates and unknown members, with paths', () => {
    const bad = McpSectionSchema.safeParse({
      upstreams: [
        { name: 'a__b', kind: 'sim' },
        { name: 'x', kind: 'stdio', command: 'c', apiKey: 'sk-inline' },
        { name: 'y', kind: 'streamable-http', url: 'http://h/mcp', credentials: { secret: 'sk-inline' } },
        { name: 'y', kind: 'sim', sim: { seed: 'not a number' } },
      ],
      virtualServers: { v: { upstreams: ['missing'] } },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['upstreams.0.name', 'upstreams.1', 'upstreams.2.credentials.secret', 'upstreams.3.sim.seed']));
    const dup = McpSectionSchema.safeParse({ upstreams: [{ name: 'y', kind: 'sim' }, { name: 'y', kind: 'sim' }], virtualServers: { v: { upstreams: ['missing'] } } });
    expect(dup.error?.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['upstreams.1.name', 'virtualServers.v.upstreams.0']));
  });
});
