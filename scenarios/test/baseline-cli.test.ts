import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runScenarioCommand } from '../../cli/src/commands/scenario.js';
import { startHarness } from '../../gateway/test/harness.js';
import type { ScenarioReport } from '../src/report/report-types.js';
import { tempDir } from './helpers.js';

// `sluice scenario run` end to end: a baseline report, then the same scenario with 280 ms
// more time to first token injected at the simulated provider, compared against it.
const dir = tempDir('cli');
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const yaml = (extraFault: string) => `
name: baseline-drill
agents:
  - name: a
    steps:
      - llm: { name: answer, model: chat, prompt: "hello", outputTokens: 8 }
load: { model: closed, concurrency: 2, runs: 12, seed: 1 }
upstreams:
  providers:
    - name: p
      profile: { ttftMs: 20, tokenDelayMs: 1 }
${extraFault}
gateway: { store: false }
expectations:
  - { metric: error_rate, max: 0 }
`;

let written = '';
beforeEach(() => {
  written = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sluice scenario run with a baseline', () => {
  it('passes on its own, then flags the injected TTFT regression (and fails with --fail-on-regression)', async () => {
    const base = join(dir, 'base.json');
    const current = join(dir, 'current.json');
    expect(await runScenarioCommand(['run', file('base.yaml', yaml('')), '--report', base, '--quiet'])).toBe(0);
    expect(written).toContain('Scenario baseline-drill');
    const slow = file('slow.yaml', yaml('      faults: [ { fault: "ttft-ms=300" } ]'));
    expect(await runScenarioCommand(['run', slow, '--baseline', base, '--report', current, '--quiet'])).toBe(0);
    const report = JSON.parse(readFileSync(current, 'utf8')) as ScenarioReport;
    expect(report.passed).toBe(true);
    const regressed = report.comparison?.regressions.map((r) => r.metric) ?? [];
    expect(regressed).toEqual(expect.arrayContaining(['answer: p50 latency ms', 'answer: p50 TTFT ms']));
    expect(written).toMatch(/REGRESSION answer: p50 TTFT ms/);
    expect(await runScenarioCommand(['run', slow, '--baseline', base, '--fail-on-regression', '--quiet'])).toBe(1);
  });

  it('exits 1 when an expectation fails', async () => {
    const failing = file('failing.yaml', yaml('      faults: [ { fault: "status=500" } ]'));
    expect(await runScenarioCommand(['run', failing, '--quiet'])).toBe(1);
    expect(written).toMatch(/FAIL error_rate <= 0/);
  });

  it('drives a separately started gateway with --gateway (and says when none answers)', async () => {
    const h = await startHarness();
    try {
      const ext = file('ext.yaml', 'name: ext\nagents:\n  - { name: a, steps: [ { llm: { model: sim-fast, prompt: hi } } ] }\nload: { model: closed, concurrency: 2, runs: 6 }\nexpectations: [ { metric: completed_runs, min: 6 } ]\n');
      const out = join(dir, 'ext.json');
      expect(await runScenarioCommand(['run', ext, '--gateway', `${h.gw.url}/v1`, '--report', out, '--quiet'])).toBe(0);
      const report = JSON.parse(readFileSync(out, 'utf8')) as ScenarioReport;
      expect(report.gateway).toEqual({ url: `${h.gw.url}/v1`, inProcess: false });
      expect(report.gatewayView).toBeUndefined();
      // 6 runs + the warm-up call reached the gateway's simulator.
      expect(h.sim.stats().byModel['sim-fast']).toBe(7);
    } finally {
      await h.close();
    }
    expect(await runScenarioCommand(['run', file('ext2.yaml', yaml('')), '--gateway', 'http://127.0.0.1:9', '--quiet'])).toBe(1);
    expect(written).toMatch(/no gateway answers at http:\/\/127\.0\.0\.1:9/);
  });

  it('refuses a bad file with exit 2, printing the path of each problem', async () => {
    const bad = file('bad.yaml', 'name: x\nagents:\n  - name: a\n    steps: [ { llm: { prompt: hi } } ]\nload: { model: closed, concurrency: 0, runs: 1 }\n');
    expect(await runScenarioCommand(['check', bad])).toBe(2);
    expect(written).toContain('agents.0.steps.0.llm.model (line 4)');
    expect(written).toContain('load.concurrency (line 5)');
    expect(await runScenarioCommand(['run', bad])).toBe(2);
    expect(await runScenarioCommand(['run', bad, '--speed', 'fast'])).toBe(2);
    expect(await runScenarioCommand(['nope'])).toBe(2);
  });
});
