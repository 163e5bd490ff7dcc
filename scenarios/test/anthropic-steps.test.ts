import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, type ScenarioRunResult } from '../src/runner/run-scenario.js';
import { storedLlmCalls, type StoredLlmCall } from '../src/runner/store-view.js';
import { scenario, tempDir } from './helpers.js';

// LLM steps sent as Anthropic Messages (`api: anthropic`) through the real gateway (in-process,
// `POST /v1/messages`), the simulated provider and MCP server, with spans in chDB: the runner
// must measure them as it measures OpenAI calls, and the gateway must have received them as
// Anthropic calls.
const dir = tempDir('anthropic');
let result: ScenarioRunResult;
let stored: StoredLlmCall[] = [];

const TTFT_MS = 20;
const s = scenario({
  name: 'anthropic-steps',
  agents: [
    {
      name: 'claude',
      api: 'anthropic',
      vars: { topic: ['tides', 'glaciers'] },
      steps: [
        { llm: { name: 'ask', model: 'm-claude', prompt: 'Tell me about {{topic}}.', outputTokens: 25 } },
        { llm: { name: 'again', model: 'm-claude', prompt: 'Shorter, please.', stream: false, outputTokens: 10 } },
        { llm: { name: 'plan', model: 'm-claude', prompt: 'Find sources.', tools: [{ server: 'docs', tool: 'search' }] } },
        { branch: { if: 'tool_calls', then: [{ callTools: { name: 'searched' } }, { llm: { name: 'use', model: 'm-claude', outputTokens: 15 } }] } },
        {
          llm: {
            name: 'order',
            model: 'm-claude',
            prompt: 'Where is order 7?',
            stream: false,
            tools: [{ function: { name: 'lookup_order', parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } }, resultBytes: 32 }],
          },
        },
        { branch: { if: 'tool_calls', then: [{ callTools: { name: 'looked-up' } }, { llm: { name: 'reply', model: 'm-claude', outputTokens: 12 } }] } },
      ],
    },
    {
      // OpenAI by default; one step switches wire mid-conversation, carrying the history over.
      name: 'mixed',
      steps: [
        { llm: { name: 'openai-ask', model: 'm-claude', prompt: 'Hello.', outputTokens: 8 } },
        { llm: { name: 'anthropic-follow-up', api: 'anthropic', model: 'm-claude', prompt: 'And then?', outputTokens: 6 } },
      ],
    },
    {
      name: 'faulty',
      api: 'anthropic',
      onError: 'continue',
      steps: [
        // The upstream stream breaks after three tokens (a garbled chunk: unlike a cut socket, nothing before it can be lost).
        { llm: { name: 'cut', model: 'm-faulty', prompt: 'Go on.', outputTokens: 20, simFault: 'malformed-after=3' } },
        { llm: { name: 'too-long', model: 'm-faulty', prompt: 'Again.', simFault: 'context-length-exceeded' } },
        { llm: { name: 'too-long-json', model: 'm-faulty', prompt: 'Again.', stream: false, simFault: 'context-length-exceeded' } },
      ],
    },
  ],
  load: {
    model: 'schedule',
    starts: [
      { agent: 'claude', at: '0ms' },
      { agent: 'mixed', at: '0ms' },
      { agent: 'faulty', at: '0ms' },
      { agent: 'claude', at: '50ms' },
    ],
    seed: 3,
  },
  upstreams: {
    providers: [
      { name: 'sim1', models: { 'm-claude': { ttftMs: TTFT_MS, tokenDelayMs: 1 } } },
      // Faults on their own provider, so they cannot trip anything for the others.
      { name: 'sim2', models: { 'm-faulty': { ttftMs: 5, tokenDelayMs: 1 } } },
    ],
    mcp: [{ name: 'docs' }],
  },
  gateway: { config: { routing: { breaker: { enabled: false }, retry: { maxAttempts: 1 } } } },
});

const llmCalls = (step: string) => result.calls.filter((c) => c.kind === 'llm' && c.step === step);

beforeAll(async () => {
  result = await runScenario(s, {
    dataDir: dir,
    onStore: async (store, execution) => {
      stored = await storedLlmCalls(store, s.name, execution);
    },
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LLM steps on the Anthropic Messages wire', () => {
  it('runs Claude agents end to end, streamed and not, tool calls included', () => {
    const r = result.report;
    expect(r.load).toMatchObject({ scheduledRuns: 4, completedRuns: 3, failedRuns: 1, droppedRuns: 0 });
    expect(result.runs.filter((x) => x.agent !== 'faulty').every((x) => x.ok)).toBe(true);
    for (const step of ['ask', 'again', 'plan', 'use', 'order', 'reply']) expect(r.steps[step], step).toMatchObject({ kind: 'llm', calls: 2, errors: 0 });
    // The MCP tool and the inline function the model asked for were called and answered.
    expect(r.steps.searched).toMatchObject({ kind: 'tool', calls: 2, errors: 0 });
    expect(result.calls.filter((c) => c.step === 'searched').map((c) => c.tool)).toEqual(['docs__search', 'docs__search']);
  });

  it('counts tokens from the answers: the lengths asked, and what the gateway stored call by call', () => {
    const r = result.report;
    expect(r.steps.ask.outputTokens).toBe(2 * 25);
    expect(r.steps.again.outputTokens).toBe(2 * 10);
    expect(r.steps.use.outputTokens).toBe(2 * 15);
    expect(r.steps.reply.outputTokens).toBe(2 * 12);
    expect(r.steps.plan.inputTokens).toBeGreaterThan(0);
    const answered = result.calls.filter((c) => c.kind === 'llm' && c.ok);
    expect(answered.length).toBe(14);
    const byId = new Map(stored.map((row) => [row.requestId, row]));
    for (const c of answered) {
      const row = byId.get(c.requestId ?? '');
      expect(row, `stored row of ${c.requestId}`).toBeDefined();
      expect([row?.inputTokens, row?.outputTokens, row?.model]).toEqual([c.inputTokens, c.outputTokens, c.model]);
    }
  });

  it('measures TTFT and TPOT of streamed answers, as for OpenAI streams', () => {
    const r = result.report;
    for (const step of ['ask', 'plan', 'use', 'reply']) expect(r.steps[step].ttftMs?.count, step).toBe(2);
    expect(r.steps.again.ttftMs).toBeUndefined();
    expect(r.steps.order.ttftMs).toBeUndefined();
    for (const c of llmCalls('ask')) {
      // The simulator waits TTFT_MS before the first token; TTFT counts from the intended start.
      expect(c.ttftMs).toBeGreaterThanOrEqual(TTFT_MS);
      expect(c.ttftMs).toBeLessThanOrEqual(c.endMs - c.intendedStartMs);
      expect(c.tpotMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('sends each step on its wire: the gateway stored the Anthropic steps as anthropic calls', () => {
    const apiOf = new Map(stored.map((row) => [row.requestId, row.api]));
    const llm = result.calls.filter((c) => c.kind === 'llm');
    expect(stored).toHaveLength(llm.length);
    for (const c of llm) expect([c.step, apiOf.get(c.requestId ?? '')]).toEqual([c.step, c.api]);
    expect(llmCalls('openai-ask').map((c) => c.api)).toEqual(['openai']);
    expect(llmCalls('anthropic-follow-up')).toMatchObject([{ api: 'anthropic', ok: true, outputTokens: 6 }]);
    expect(llm.filter((c) => c.agent !== 'mixed').every((c) => c.api === 'anthropic')).toBe(true);
  });

  it('fails calls on Anthropic errors: an error event mid-stream, and error answers', () => {
    const [cut] = llmCalls('cut');
    // Three tokens arrived before the `event: error` that ended the stream.
    expect(cut).toMatchObject({ ok: false, errorType: 'stream_error:api_error', outputTokens: 3 });
    expect(cut.ttftMs).toBeDefined();
    expect(llmCalls('too-long')).toMatchObject([{ ok: false, errorType: 'http_400:invalid_request_error' }]);
    expect(llmCalls('too-long-json')).toMatchObject([{ ok: false, errorType: 'http_400:invalid_request_error' }]);
    expect(result.runs.find((x) => x.agent === 'faulty')).toMatchObject({ ok: false, errorType: 'stream_error:api_error', calls: 3 });
    expect(result.report.errors).toEqual(
      expect.arrayContaining([
        { type: 'stream_error:api_error', step: 'cut', count: 1 },
        { type: 'http_400:invalid_request_error', step: 'too-long', count: 1 },
        { type: 'http_400:invalid_request_error', step: 'too-long-json', count: 1 },
      ]),
    );
    expect(result.report.errors).toHaveLength(3);
  });
});
