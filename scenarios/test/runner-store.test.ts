import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanStore } from '../../collector/src/index.js';
import { runScenario, type ScenarioRunResult } from '../src/runner/run-scenario.js';
import { storedLlmCalls, type StoredLlmCall } from '../src/runner/store-view.js';
import { callsByRun, scenario, tempDir } from './helpers.js';

// The runner against the real gateway (in-process), the simulated LLM provider and MCP
// server, with spans going through the collector into chDB: what the report says must be
// what the gateway stored.
const dir = tempDir('store');
let result: ScenarioRunResult;
let stored: StoredLlmCall[] = [];
let toolRows: Array<{ TraceId: string; tool: string; server: string }> = [];
let spanTraces: Array<{ TraceId: string; n: string }> = [];

const s = scenario({
  name: 'store-check',
  agents: [
    {
      name: 'chat',
      weight: 1,
      vars: { topic: ['tides', 'glaciers'] },
      steps: [
        { llm: { name: 'ask', model: 'm-chat', prompt: 'Tell me about {{topic}}.', outputTokens: 25 } },
        { think: '20ms' },
        { llm: { name: 'again', model: 'm-chat', prompt: 'Shorter, please.', stream: false, outputTokens: 10 } },
      ],
    },
    {
      name: 'tools',
      weight: 1,
      steps: [
        { llm: { name: 'plan', model: 'm-tools', prompt: 'Find sources.', tools: [{ server: 'docs', tool: 'search' }] } },
        { branch: { if: 'tool_calls', then: [{ callTools: { name: 'asked' } }, { llm: { name: 'use', model: 'm-tools', outputTokens: 15 } }] } },
        { tool: { name: 'fetch', server: 'docs', tool: 'fetch_document', args: { id: 'doc-{{run.index}}' } } },
      ],
    },
  ],
  load: { model: 'closed', concurrency: 3, runs: 8, seed: 4 },
  upstreams: { providers: [{ name: 'sim1' }], mcp: [{ name: 'docs' }] },
  gateway: {
    config: {
      budgets: {
        pricing: { models: { 'm-chat': { inputUsdPerMTok: 1, outputUsdPerMTok: 2 }, 'm-tools': { inputUsdPerMTok: 3, outputUsdPerMTok: 4 } } },
        rules: [{ name: 'roomy', per: 'global', limitUsd: 100, window: 'daily' }],
      },
    },
  },
  expectations: [{ metric: 'completed_runs', min: 8 }, { metric: 'error_rate', max: 0 }],
});

beforeAll(async () => {
  result = await runScenario(s, {
    dataDir: dir,
    onStore: async (store: SpanStore, execution: string) => {
      stored = await storedLlmCalls(store, s.name, execution);
      toolRows = await store.query(`SELECT TraceId, toString(tool) AS tool, toString(server) AS server FROM otel.tool_calls`);
      spanTraces = await store.query(`SELECT TraceId, toString(count()) AS n FROM otel.otel_traces GROUP BY TraceId`);
    },
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a scenario run against the gateway', () => {
  it('runs every run to the end and passes its expectations', () => {
    const r = result.report;
    expect(r.load).toMatchObject({ model: 'closed', scheduledRuns: 8, completedRuns: 8, failedRuns: 0, droppedRuns: 0 });
    expect(r.errors).toEqual([]);
    expect(r.passed).toBe(true);
    expect(Object.keys(r.steps).sort()).toEqual(expect.arrayContaining(['ask', 'again', 'plan', 'asked', 'use', 'fetch']));
    expect(r.steps.ask.ttftMs?.count).toBe(r.steps.ask.calls);
    expect(r.steps.again.ttftMs).toBeUndefined();
  });

  it('reports the same LLM calls and tokens the gateway stored, call by call', () => {
    const r = result.report;
    const llm = result.calls.filter((c) => c.kind === 'llm');
    expect(stored).toHaveLength(llm.length);
    expect(r.gatewayView).toMatchObject({ llmCalls: llm.length, llmErrors: 0, complete: true, inputTokens: r.totals.inputTokens, outputTokens: r.totals.outputTokens });
    const byId = new Map(stored.map((row) => [row.requestId, row]));
    for (const c of llm) {
      const row = byId.get(c.requestId ?? '');
      expect(row, `stored row of ${c.requestId}`).toBeDefined();
      expect([row?.inputTokens, row?.outputTokens, row?.runId, row?.model]).toEqual([c.inputTokens, c.outputTokens, c.runId, c.model]);
    }
    expect(r.totals.outputTokens).toBe(stored.reduce((sum, row) => sum + row.outputTokens, 0));
  });

  it('reports the tool calls the gateway stored, each in its run’s trace', () => {
    const tools = result.calls.filter((c) => c.kind === 'tool');
    expect(tools.length).toBeGreaterThanOrEqual(result.runs.filter((x) => x.agent === 'tools').length);
    expect(result.report.gatewayView?.toolCalls).toBe(tools.length);
    const traceOfRun = new Map(result.runs.map((x) => [x.runId, x.traceId]));
    const storedTraces = new Set(toolRows.map((t) => t.TraceId));
    for (const c of tools) expect(storedTraces.has(traceOfRun.get(c.runId) ?? '')).toBe(true);
    expect(new Set(toolRows.map((t) => t.tool))).toEqual(new Set(['docs__search', 'docs__fetch_document']));
  });

  it('makes every run one trace, tagged with its run id and the scenario', () => {
    for (const [runId, calls] of callsByRun(result.calls)) {
      const run = result.runs.find((x) => x.runId === runId);
      const rows = stored.filter((row) => row.runId === runId);
      expect(rows.length).toBe(calls.filter((c) => c.kind === 'llm').length);
      expect(run?.calls).toBe(calls.length);
    }
    const traceIds = new Set(result.runs.map((x) => x.traceId));
    expect(traceIds.size).toBe(8);
    const spanCount = new Map(spanTraces.map((t) => [t.TraceId, Number(t.n)]));
    for (const t of traceIds) expect(spanCount.get(t) ?? 0).toBeGreaterThan(1);
  });

  it('takes costs from the gateway when it recorded them', () => {
    const cost = result.report.cost;
    expect(cost.source).toBe('gateway');
    const storedMicro = stored.reduce((sum, row) => sum + row.costMicroUsd, 0);
    expect(storedMicro).toBeGreaterThan(0);
    expect(cost.totalUsd).toBeCloseTo(storedMicro / 1e6, 9);
    expect(cost.perRunUsd).toBeCloseTo(storedMicro / 1e6 / 8, 9);
  });

  it('measures its own overhead next to the results', () => {
    const g = result.report.generator;
    expect(g.cpuMs).toBeGreaterThan(0);
    expect(g.clientBusyMsPerCall).toBeGreaterThan(0);
    expect(g.startLagMs.count).toBe(8);
    expect(g.eventLoopDelayMs.max).toBeGreaterThanOrEqual(g.eventLoopDelayMs.p50);
  });
});
