import { describe, expect, it } from 'vitest';
import { defaultConfigInput } from './default-config.js';
import { parseConfig } from './load.js';
import type { ConfigInput } from './schema.js';
import { secretIssues } from './secret-check.js';
import type { SecretSource } from './secret-ref.js';

const SECRET = 'sk-live-0123456789abcdef';
const PUBLIC_PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEgvoed6FYfdbJ2N7zpy48fR9+n6KM\nqipgRoAlOwXSq/JIYTplq1TZSwcfmsSlJOICVl6qWE0cxa4mwbgSDOMAcg==\n-----END PUBLIC KEY-----\n';
const files: Record<string, string> = { '/run/secrets/key': `${SECRET}\n`, '/run/secrets/blank': '\n', '/run/secrets/jwt.pem': PUBLIC_PEM };
const source: SecretSource = {
  env: { SET: SECRET, EMPTY: '', JWT_PEM: PUBLIC_PEM, NOT_A_KEY: SECRET },
  readFile: (p) => files[p] ?? (() => { throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' }); })(),
};

function issuesOf(input: ConfigInput): Record<string, string> {
  const r = parseConfig(input);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const issues = secretIssues(r.config, source);
  expect(JSON.stringify(issues)).not.toContain(SECRET);
  return Object.fromEntries(issues.map((i) => [i.path, i.message]));
}

describe('secret references must resolve', () => {
  it('names each unresolved reference with its config path, never a value', () => {
    const found = issuesOf({
      providers: [
        { name: 'a', kind: 'openai', apiKey: { env: 'OPENAI_API_KEY' } },
        { name: 'b', kind: 'openai', apiKey: [{ env: 'SET' }, { file: '/run/secrets/key' }, { file: '/nonexistent' }, { env: 'EMPTY' }, { file: '/run/secrets/blank' }] },
      ],
      auth: {
        teams: { research: { providerKeys: { a: { env: 'TEAM_KEY' }, b: [{ env: 'SET' }, { env: 'TEAM_KEY_2' }] } } },
        jwt: [{ issuer: 'sso', algorithms: ['ES256'], keys: [{ kid: 'k2', env: 'MISSING_JWT_PEM' }, { env: 'JWT_PEM' }, { file: '/run/secrets/jwt.pem' }, { env: 'NOT_A_KEY' }, { pem: PUBLIC_PEM }] }],
      },
      guardrails: {
        rules: [
          { name: 'mod', action: 'log', detect: { type: 'openai-moderation', apiKey: { env: 'MODERATION_KEY' } } },
          { name: 'hook', action: 'log', detect: { type: 'webhook', url: 'https://guard.example/check', bearerToken: { file: '/run/secrets/hook' } } },
        ],
      },
      mcp: {
        upstreams: [
          { name: 'remote', kind: 'streamable-http', url: 'https://mcp.example/mcp', credentials: { secret: { env: 'MCP_TOKEN' } } },
          { name: 'local', kind: 'stdio', command: 'mcp-server', env: { LITERAL: 'fine', TOKEN: { env: 'STDIO_TOKEN' } } },
        ],
      },
    });
    expect(found).toEqual({
      'providers.0.apiKey': 'env OPENAI_API_KEY is not set',
      'providers.1.apiKey.2': 'file /nonexistent cannot be read (ENOENT)',
      'providers.1.apiKey.3': 'env EMPTY is empty',
      'providers.1.apiKey.4': 'file /run/secrets/blank is empty',
      'auth.teams.research.providerKeys.a': 'env TEAM_KEY is not set',
      'auth.teams.research.providerKeys.b.1': 'env TEAM_KEY_2 is not set',
      'auth.jwt.0.keys.0': 'env MISSING_JWT_PEM is not set',
      'auth.jwt.0.keys.3': 'env NOT_A_KEY is not a usable public key',
      'guardrails.rules.0.detect.apiKey': 'env MODERATION_KEY is not set',
      'guardrails.rules.1.detect.bearerToken': 'file /run/secrets/hook cannot be read (ENOENT)',
      'mcp.upstreams.0.credentials.secret': 'env MCP_TOKEN is not set',
      'mcp.upstreams.1.env.TOKEN': 'env STDIO_TOKEN is not set',
    });
  });

  it('does not check parts that are turned off', () => {
    expect(
      issuesOf({
        guardrails: { enabled: false, rules: [{ name: 'mod', action: 'log', detect: { type: 'openai-moderation', apiKey: { env: 'MODERATION_KEY' } } }] },
        mcp: { upstreams: [{ name: 'remote', kind: 'streamable-http', enabled: false, url: 'https://mcp.example/mcp', credentials: { secret: { env: 'MCP_TOKEN' } } }] },
      }),
    ).toEqual({});
  });

  it('the default config has nothing to resolve when no provider keys are in the environment', () => {
    expect(issuesOf(defaultConfigInput({}))).toEqual({});
  });
});
