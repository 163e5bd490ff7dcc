import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanStore } from '../../collector/src/index.js';
import { runScenarioCommand } from '../../cli/src/commands/scenario.js';
import { loadScenarioFile } from '../src/format/load-file.js';
import { recordScenario, type RecordResult } from '../src/record/record-scenario.js';
import type { CallRecord } from '../src/runner/records.js';
import { runScenario, type ScenarioRunResult } from '../src/runner/run-scenario.js';
import { callsByRun, scenario, tempDir } from './helpers.js';

// Record → replay: run an agent scenario through the gateway into the store, turn the stored
// spans into a scenario, replay it against fresh simulators, and compare the step structure,
// the token counts and the pacing of each run with the original.
const dir = tempDir('record');
const THINK_MS = 250;

const original = scenario({
  name: 'to-record',
  agents: [
    {
      name: 'researcher',
      steps: [
        { llm: { name: 'plan', model: 'big', prompt: 'Research {{run.index}}', tools: [{ server: 'docs', tool: 'search' }] } },
        { callTools: {} },
        { think: `${THINK_MS}ms` },
        { llm: { name: 'read', model: 'big', outputTokens: 30 } },
        { think: `${THINK_MS}ms` },
        { tool: { name: 'fetch', server: 'docs', tool: 'fetch_document', args: { id: 'doc-1' } } },
        { llm: { name: 'write', model: 'small', prompt: 'Write it up.', stream: false, outputTokens: 60 } },
      ],
    },
  ],
  load: { model: 'open', arrival: 'constant', stages: [{ duration: '1500ms', ratePerSec: 2 }], seed: 9 },
  upstreams: {
    providers: [{ name: 'sim', models: { big: { ttftMs: 40, tokenDelayMs: 2 }, small: { ttftMs: 20, tokenDelayMs: 1 } } }],
    mcp: [{ name: 'docs', tools: { search: { latencyMs: 30 }, fetch_document: { latencyMs: 60 } } }],
  },
});

let first: ScenarioRunResult;
let recorded: RecordResult;
let replay: ScenarioRunResult;

/** What a run did, without timing: kinds, models / tools, token counts. */
const shape = (calls: readonly CallRecord[]) => calls.map((c) => [c.kind, c.model ?? c.tool, c.inputTokens, c.outputTokens]);
/** Gaps between one call's end and the next call's start. */
const gaps = (calls: readonly CallRecord[]) => calls.slice(1).map((c, i) => c.startMs - calls[i].endMs);

beforeAll(async () => {
  first = await runScenario(original, {
    dataDir: dir,
    onStore: async (store: SpanStore, execution: string) => {
      recorded = await recordScenario((sql, params) => store.query(sql, params), store.info.database, { scenario: original.name, runIdPrefix: `${execution}-` }, { name: 'replayed' });
    },
  });
  replay = await runScenario({ ...recorded.scenario, gateway: { ...recorded.scenario.gateway, store: false } });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('record and replay', () => {
  it('records every run with its calls and writes a loadable YAML scenario', () => {
    expect(first.report.load.completedRuns).toBe(3);
    expect(recorded.runs).toBe(3);
    expect(recorded.llmCalls).toBe(first.calls.filter((c) => c.kind === 'llm').length);
    expect(recorded.toolCalls).toBe(first.calls.filter((c) => c.kind === 'tool').length);
    expect(recorded.yaml).toMatch(/^# yaml-language-server/);
    expect(recorded.scenario.load.model).toBe('schedule');
  });

  it('replays the same step structure and token counts, run by run', () => {
    expect(replay.report.totals.errors).toBe(0);
    const before = [...callsByRun(first.calls).values()].sort((a, b) => a[0].startMs - b[0].startMs);
    const after = [...callsByRun(replay.calls).values()].sort((a, b) => a[0].startMs - b[0].startMs);
    expect(after.map(shape)).toEqual(before.map(shape));
    expect(replay.report.totals.inputTokens).toBe(first.report.totals.inputTokens);
    expect(replay.report.totals.outputTokens).toBe(first.report.totals.outputTokens);
    expect(shape(before[0]).map((s) => s[1])).toEqual(['big', 'docs__search', 'big', 'docs__fetch_document', 'small']);
  });

  it('keeps the pacing: think times between steps and the runs’ start offsets', () => {
    const before = [...callsByRun(first.calls).values()].sort((a, b) => a[0].startMs - b[0].startMs);
    const after = [...callsByRun(replay.calls).values()].sort((a, b) => a[0].startMs - b[0].startMs);
    before.forEach((run, i) => {
      const g0 = gaps(run);
      const g1 = gaps(after[i]);
      // The scripted thinks (after the tool call, after the second LLM call) are recorded and replayed.
      for (const k of [1, 2]) {
        expect(g0[k]).toBeGreaterThanOrEqual(THINK_MS - 2);
        expect(g1[k]).toBeGreaterThanOrEqual(g0[k] - 25);
        expect(g1[k]).toBeLessThan(g0[k] + 1000);
      }
    });
    const offsets = (runs: CallRecord[][]) => runs.map((r) => r[0].startMs - runs[0][0].startMs);
    offsets(after).forEach((at, i) => {
      expect(at).toBeGreaterThanOrEqual(offsets(before)[i] - 25);
      expect(at).toBeLessThan(offsets(before)[i] + 1000);
    });
  });

  it('records from the configured store on the command line, by conversation or by agent', async () => {
    const config = join(dir, 'sluice.yaml');
    writeFileSync(config, `server: { dataDir: ${JSON.stringify(dir)} }\nstore: { path: ${JSON.stringify(join(dir, 'chdb'))} }\n`);
    const one = join(dir, 'one.yaml');
    const all = join(dir, 'all.yaml');
    const quiet = { write: process.stdout.write };
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await runScenarioCommand(['record', '--from-store', '--config', config, '--conversation', `${first.report.execution}-1`, '--out', one])).toBe(0);
      expect(await runScenarioCommand(['record', '--from-store', '--config', config, '--agent', 'scenario', '--since', '1h', '--out', all, '--name', 'by-agent'])).toBe(0);
    } finally {
      process.stdout.write = quiet.write;
    }
    const single = await loadScenarioFile(one);
    expect(single.agents).toHaveLength(1);
    expect(single.agents[0].description).toContain(`conversation ${first.report.execution}-1`);
    const byAgent = await loadScenarioFile(all);
    expect(byAgent.name).toBe('by-agent');
    expect(byAgent.agents).toHaveLength(3);
  });

  it('configures simulated upstreams from the recorded latencies', () => {
    const p = recorded.scenario.upstreams.providers[0];
    expect(Object.keys(p.models).sort()).toEqual(['big', 'small']);
    expect(recorded.scenario.upstreams.mcp.map((m) => m.name)).toEqual(['docs']);
    const fetchLatency = recorded.scenario.upstreams.mcp[0].tools.fetch_document.latencyMs;
    expect(typeof fetchLatency === 'object' ? fetchLatency.minMs : fetchLatency).toBeGreaterThanOrEqual(55);
  });
});
