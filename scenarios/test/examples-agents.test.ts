import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';
import { runDemo } from '../../cli/src/commands/demo.js';
import type { ScenarioReport } from '../src/report/report-types.js';
import { exampleSuite } from './examples.js';
import { tempDir } from './helpers.js';

const COVERED_ELSEWHERE = ['customer-support.yaml', 'failover-drill.yaml', 'budget-drill.yaml', 'repeated-questions.yaml'];
// research-agent.yaml runs through `sluice demo` below.
exampleSuite(['guardrail-drill.yaml']);

const demoDir = tempDir('demo');
afterAll(() => rmSync(demoDir, { recursive: true, force: true }));

it('every shipped example is run by one of the example suites', () => {
  const all = readdirSync(fileURLToPath(new URL('../examples/', import.meta.url))).filter((f) => f.endsWith('.yaml'));
  expect([...COVERED_ELSEWHERE, 'guardrail-drill.yaml', 'research-agent.yaml'].sort()).toEqual(all.sort());
});

it('`sluice demo` runs the research agent through an in-process gateway and says where the results are', async () => {
  let printed = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  let code: number;
  try {
    code = await runDemo(['--dir', demoDir]);
  } finally {
    vi.restoreAllMocks();
  }
  const report = JSON.parse(readFileSync(join(demoDir, 'report.json'), 'utf8')) as ScenarioReport;
  expect(report.scenario).toBe('research-agent');
  expect(report.totals.toolCalls).toBeGreaterThan(0);
  expect(report.gatewayView?.llmCalls).toBe(report.totals.llmCalls);
  expect(report.expectations.filter((e) => !e.ok && !e.description.includes('ttft'))).toEqual([]);
  expect([0, 1]).toContain(code);
  expect(code).toBe(report.passed ? 0 : 1);
  expect(existsSync(join(demoDir, 'chdb'))).toBe(true);
  expect(readFileSync(join(demoDir, 'sluice.yaml'), 'utf8')).toContain(join(demoDir, 'chdb'));
  expect(printed).toContain('report.json');
  expect(printed).toContain(`sluice query --config`);
  expect(printed).toContain(`run_id LIKE '${report.execution}-%'`);
}, 25_000);
