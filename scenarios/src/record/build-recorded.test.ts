import { describe, expect, it } from 'vitest';
import { parseScenario } from '../format/load-file.js';
import { buildRecordedScenario } from './build-recorded.js';
import { inlineParams, parseJsonEachRow } from './inline-params.js';
import type { StoredCall } from './record-query.js';

const llm = (run: string, startMs: number, durationMs: number, extra: Partial<StoredCall> = {}): StoredCall => ({
  kind: 'llm', run, traceId: `t-${run}`, agent: 'bot', startMs, durationMs, model: 'gpt-x', api: 'openai', stream: true, inputTokens: 120, outputTokens: 40,
  ttftMs: 300, tpotMs: 20, status: 'ok', errorType: '', server: '', tool: '', ...extra,
});
const tool = (run: string, startMs: number, durationMs: number, name: string, server = 'docs'): StoredCall => ({
  ...llm(run, startMs, durationMs), kind: 'tool', model: '', api: '', inputTokens: 0, outputTokens: 0, server, tool: name,
});

describe('recorded scenario', () => {
  const calls = [
    llm('r1', 1_000, 500),
    tool('r1', 1_600, 200, 'docs__search'),
    llm('r1', 2_000, 900, { inputTokens: 800, outputTokens: 300, ttftMs: 500, api: 'anthropic' }),
    llm('r2', 3_500, 400, { status: 'error', errorType: 'upstream_503', outputTokens: 0 }),
    tool('r2', 4_000, 100, 'github__create_issue', 'github'),
  ];
  const out = buildRecordedScenario(calls, { name: 'rec', description: 'd', maxRuns: 10 });

  it('has one agent per run with its calls in order, gaps as think times, runs at their offsets', () => {
    const s = parseScenario(out);
    expect(s.agents.map((a) => a.name)).toEqual(['run-1', 'run-2']);
    expect(s.agents[0].steps).toEqual([
      { llm: expect.objectContaining({ name: '1-llm', model: 'gpt-x', promptTokens: 120, outputTokens: { fixed: 40 }, history: 'reset', stream: true }) },
      { think: { fixed: 100 } },
      { tool: expect.objectContaining({ name: '2-tool', server: 'docs', tool: 'search', args: 'auto' }) },
      { think: { fixed: 200 } },
      { llm: expect.objectContaining({ name: '3-llm', promptTokens: 800, outputTokens: { fixed: 300 }, api: 'anthropic' }) },
    ]);
    // A call that came in on the OpenAI API replays on it (the default).
    expect((s.agents[0].steps[0] as { llm: { api?: string } }).llm.api ?? 'openai').toBe('openai');
    expect(s.load).toMatchObject({ model: 'schedule', starts: [{ agent: 'run-1', at: 0 }, { agent: 'run-2', at: 2500 }] });
  });

  it('replays upstream failures and maps tools the simulator lacks onto a server of their own', () => {
    const s = parseScenario(out);
    expect(s.agents[1].steps[0].llm?.simFault).toBe('status=503');
    expect(s.agents[1].steps[2].tool).toMatchObject({ server: 'github.create-issue', tool: 'fetch_document' });
    expect(s.upstreams.mcp.map((m) => m.name).sort()).toEqual(['docs', 'github.create-issue']);
  });

  it('fits upstream latency from the recorded calls', () => {
    const s = parseScenario(out);
    const profile = s.upstreams.providers[0].models['gpt-x'];
    expect(typeof profile === 'object' && 'lognormal' in profile.ttftMs ? profile.ttftMs.lognormal.median : undefined).toBeCloseTo(Math.sqrt(300 * 500), 0);
    expect(profile).toMatchObject({ tokenDelayMs: { normal: { mean: 20 } } });
    expect(s.upstreams.mcp.find((m) => m.name === 'docs')?.tools.search.latencyMs).toEqual({ minMs: 200, maxMs: 200 });
  });

  it('keeps at most maxRuns runs', () => {
    expect((buildRecordedScenario(calls, { name: 'rec', description: 'd', maxRuns: 1 }).agents as unknown[]).length).toBe(1);
  });
});

describe('inline parameters (plain-SQL store access)', () => {
  it('renders literals with escaping and refuses what it cannot render', () => {
    expect(inlineParams("SELECT {a:String}, {n:UInt32}, {ids:Array(String)}", { a: "it's \\ ok", n: 5, ids: ['x', "y'"] })).toBe(
      "SELECT 'it\\'s \\\\ ok', 5, ['x', 'y\\'']",
    );
    expect(() => inlineParams('{n:UInt32}', { n: 1.5 })).toThrow(/integer/);
    expect(() => inlineParams('{d:Date}', { d: 'x' })).toThrow(/unsupported/);
    expect(() => inlineParams('{a:String}', {})).toThrow(/missing/);
    expect(parseJsonEachRow('{"a":1}\n{"a":2}\n')).toEqual([{ a: 1 }, { a: 2 }]);
  });
});
