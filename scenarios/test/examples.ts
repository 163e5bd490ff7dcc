import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../src/format/load-file.js';
import { applyProfile } from '../src/format/profile.js';
import { runScenario } from '../src/runner/run-scenario.js';
import { tempDir } from './helpers.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

const LATENCY = new Set(['ttft_ms', 'tpot_ms', 'step_ms', 'run_ms']);

/**
 * Runs the named shipped examples under their `ci` profile; each must meet its expectations
 * — except latency bounds, which depend on how busy the machine is (tests assert no timing).
 */
export function exampleSuite(files: readonly string[]): void {
  const dir = tempDir('examples');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  describe('shipped examples (ci profile)', () => {
    it.each(files)('%s passes', async (file) => {
      const { scenario, speed } = applyProfile(await loadScenarioFile(join(EXAMPLES, file)), 'ci');
      const { report } = await runScenario(scenario, { speed: speed ?? 1, dataDir: dir });
      const failed = report.expectations.filter((e, i) => !e.ok && !LATENCY.has(scenario.expectations[i]?.metric ?? ''));
      expect(failed).toEqual([]);
      expect(report.expectations).toHaveLength(scenario.expectations.length);
      expect(report.load.completedRuns).toBeGreaterThan(0);
    }, 25_000);
  });
}
