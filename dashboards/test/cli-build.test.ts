import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runDashboardsCommand } from '../../cli/src/commands/dashboards.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-dash-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The command reports on stdout/stderr; keep test output clean.
vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

describe('sluice dashboards build', () => {
  it('writes every dashboard, then --check passes; a hand edit makes --check fail', async () => {
    expect(await runDashboardsCommand(['build', '--out', dir])).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['agents-budgets.json', 'gateway-overview.json', 'mcp-tools.json', 'run-explorer.json', 'scenario-results.json']);
    expect(await runDashboardsCommand(['build', '--out', dir, '--check'])).toBe(0);
    writeFileSync(join(dir, 'mcp-tools.json'), '{}\n');
    expect(await runDashboardsCommand(['build', '--out', dir, '--check'])).toBe(1);
  });

  it('--database renders the tables of another database', async () => {
    const other = join(dir, 'other');
    expect(await runDashboardsCommand(['build', '--out', other, '--database', 'traces_prod'])).toBe(0);
    expect(await runDashboardsCommand(['build', '--out', other, '--check'])).toBe(1);
    expect(await runDashboardsCommand(['build', '--out', other, '--check', '--database', 'traces_prod'])).toBe(0);
  });

  it('usage errors exit 2', async () => {
    expect(await runDashboardsCommand([])).toBe(2);
    expect(await runDashboardsCommand(['build', '--nope'])).toBe(2);
    expect(await runDashboardsCommand(['build', '--database', 'otel; DROP'])).toBe(2);
  });
});
