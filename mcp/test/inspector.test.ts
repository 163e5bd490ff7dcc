import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startGateway, type TestGateway } from './helpers.js';

const run = promisify(execFile);
const INSPECTOR = join(REPO_ROOT, 'node_modules/.bin/mcp-inspector');

/** The MCP Inspector CLI (2.12.0, headless) as the agent. */
describe('MCP Inspector CLI against /mcp', () => {
  let gw: TestGateway;
  let home: string;
  // The Inspector writes ~/.mcp-inspector: give it a throwaway HOME.
  const inspector = async (args: string[]) => JSON.parse((await run(INSPECTOR, ['--cli', gw.url(), ...args, '--format', 'json'], { env: { PATH: process.env.PATH ?? '', HOME: home }, timeout: 20_000 })).stdout);
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'sluice-inspector-'));
    gw = await startGateway({ upstreams: [{ name: 'sim', kind: 'sim' }] });
  });
  afterAll(async () => {
    await gw?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('lists and calls federated tools', async () => {
    const listed = await inspector(['--method', 'tools/list']);
    expect(listed.result.tools.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['sim__search', 'sim__calculate']));
    const called = await inspector(['--method', 'tools/call', '--tool-name', 'sim__calculate', '--tool-args-json', '{"a":2,"b":3,"op":"add"}']);
    expect(called.result.structuredContent).toEqual({ result: 5 });
  });
});
