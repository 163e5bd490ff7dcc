import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genAiSpan, genAiTraceRequest, type OtlpJsonSpan } from '../../bench/genai-spans.js';
import { tempDir } from '../../test/helpers.js';
import { StoreConfigSchema } from '../config.js';
import { ATTR, SLUICE } from '../model/semconv.js';
import { migrate } from '../store/migrations.js';
import { openStore } from '../store/open-store.js';
import { rowsOf } from '../store/store.contract.js';
import type { SpanStore } from '../store/store.js';
import { buildConversationCallsQuery, queryConversationCalls } from './conversation.js';
import { buildLatencySummaryQuery, queryLatencySummary, queryToolSummary } from './latency.js';
import { buildSpendQuery, querySpend, querySpendTotal } from './spend.js';

let root: { dir: string; cleanup: () => Promise<void> };
let store: SpanStore;
const T0 = Date.UTC(2026, 10, 1, 10, 0, 0); // 10:00:00 UTC
const MIN = 60_000;
const window = { fromMs: T0, toMs: T0 + 60 * MIN };

function tool(startMs: number, name: string, server: string, conversationId: string, error = false): OtlpJsonSpan {
  const s = genAiSpan(0, { startMs });
  s.name = `tools/call ${name}`;
  s.attributes = [
    { key: ATTR.GEN_AI_OPERATION_NAME, value: { stringValue: 'execute_tool' } },
    { key: ATTR.GEN_AI_TOOL_NAME, value: { stringValue: name } },
    { key: SLUICE.MCP_SERVER, value: { stringValue: server } },
    { key: ATTR.GEN_AI_CONVERSATION_ID, value: { stringValue: conversationId } },
    { key: SLUICE.AGENT, value: { stringValue: 'a1' } },
    { key: SLUICE.COST_MICRO_USD, value: { intValue: '5' } },
  ];
  s.status = error ? { code: 2 } : { code: 0 };
  return s;
}

beforeAll(async () => {
  root = await tempDir('queries');
  store = openStore(StoreConfigSchema.parse({ path: join(root.dir, 'chdb') }), { env: {} });
  await migrate(store);
  const req = genAiTraceRequest(0);
  const spans = req.resourceSpans[0]!.scopeSpans[0]!.spans;
  // a1/team-x/k1: three gpt-4o calls (one error) at 10:01, 10:02, 10:03
  for (const [i, m] of [1, 2, 3].entries()) {
    spans.push(genAiSpan(i, { startMs: T0 + m * MIN, agent: 'a1', team: 'team-x', keyId: 'k1', model: 'gpt-4o', inputTokens: 100, outputTokens: 10, costMicroUsd: 1000, conversationId: 'conv-1', error: m === 2 }));
  }
  // a2/team-x/k2: one claude call at 10:05
  spans.push(genAiSpan(9, { startMs: T0 + 5 * MIN, agent: 'a2', team: 'team-x', keyId: 'k2', model: 'claude-sonnet-4', inputTokens: 50, outputTokens: 5, costMicroUsd: 700, conversationId: 'conv-2' }));
  // a3/team-y/k3: one call outside the window (09:59) and one inside (10:30)
  spans.push(genAiSpan(10, { startMs: T0 - MIN, agent: 'a3', team: 'team-y', keyId: 'k3', model: 'gpt-4o', costMicroUsd: 99_999 }));
  spans.push(genAiSpan(11, { startMs: T0 + 30 * MIN, agent: 'a3', team: 'team-y', keyId: 'k3', model: 'gpt-4o', inputTokens: 1, outputTokens: 1, costMicroUsd: 1 }));
  // tool calls in conv-1 between the LLM calls
  spans.push(tool(T0 + 1 * MIN + 500, 'search', 'docs', 'conv-1'), tool(T0 + 2 * MIN + 500, 'fetch', 'web', 'conv-1', true));
  await store.insert(rowsOf(req));
});
afterAll(async () => {
  await store.close();
  await root.cleanup();
});

describe('query builders', () => {
  it('bind every value as a parameter and refuse unknown dimensions', () => {
    const q = buildSpendQuery('otel', { window, groupBy: ['agent'], filter: { key_id: "k1' OR 1=1 --" } });
    expect(q.sql).not.toContain('k1');
    expect(q.sql).toContain('key_id = {f_key_id:String}');
    expect(q.params).toEqual({ fromMs: T0, toMs: T0 + 60 * MIN, f_key_id: "k1' OR 1=1 --" });
    expect(() => buildSpendQuery('otel', { window, groupBy: ['agent; DROP' as never] })).toThrow();
    expect(() => buildLatencySummaryQuery('otel', { window, by: 'nope' as never })).toThrow();
    expect(() => buildConversationCallsQuery('otel; x', { conversationId: 'c' })).toThrow();
    expect(buildConversationCallsQuery('otel', { conversationId: "c'1" }).params).toEqual({ cid: "c'1", limit: 1000 });
  });
});

describe('spend', () => {
  it('per agent over [from, to), most expensive first', async () => {
    const rows = await querySpend(store, { window, groupBy: ['agent'] });
    expect(rows).toEqual([
      { group: { agent: 'a1' }, calls: 3, errors: 1, inputTokens: 300, outputTokens: 30, cachedTokens: 512, costMicroUsd: 3000, cacheHits: 0, cacheSavedMicroUsd: 0 },
      { group: { agent: 'a2' }, calls: 1, errors: 0, inputTokens: 50, outputTokens: 5, cachedTokens: 0, costMicroUsd: 700, cacheHits: 0, cacheSavedMicroUsd: 0 },
      { group: { agent: 'a3' }, calls: 1, errors: 0, inputTokens: 1, outputTokens: 1, cachedTokens: 0, costMicroUsd: 1, cacheHits: 0, cacheSavedMicroUsd: 0 },
    ]);
  });

  it('per team, per key and per model', async () => {
    expect((await querySpend(store, { window, groupBy: ['team'] })).map((r) => [r.group.team, r.costMicroUsd])).toEqual([
      ['team-x', 3700],
      ['team-y', 1],
    ]);
    expect((await querySpend(store, { window, groupBy: ['key_id'] })).map((r) => [r.group.key_id, r.calls])).toEqual([
      ['k1', 3],
      ['k2', 1],
      ['k3', 1],
    ]);
    expect((await querySpend(store, { window, groupBy: ['team', 'request_model'] })).map((r) => [r.group.team, r.group.request_model, r.costMicroUsd])).toEqual([
      ['team-x', 'gpt-4o', 3000],
      ['team-x', 'claude-sonnet-4', 700],
      ['team-y', 'gpt-4o', 1],
    ]);
  });

  it('totals for one key, zeros for nothing, and minute-aligned window edges', async () => {
    expect(await querySpendTotal(store, { window, filter: { key_id: 'k1' } })).toMatchObject({ calls: 3, costMicroUsd: 3000 });
    expect(await querySpendTotal(store, { window, filter: { key_id: 'nobody' } })).toMatchObject({ calls: 0, costMicroUsd: 0 });
    expect((await querySpendTotal(store, { window: { fromMs: T0 - MIN, toMs: T0 }, filter: { agent: 'a3' } })).costMicroUsd).toBe(99_999);
    // [10:01, 10:03): the 10:03 call is excluded.
    expect((await querySpendTotal(store, { window: { fromMs: T0 + MIN, toMs: T0 + 3 * MIN }, filter: { agent: 'a1' } })).calls).toBe(2);
  });
});

describe('conversation and summaries', () => {
  it('lists a conversation’s LLM and tool calls in time order', async () => {
    const calls = await queryConversationCalls(store, { conversationId: 'conv-1' });
    expect(calls.map((c) => [c.kind, c.name, c.status])).toEqual([
      ['llm', 'gpt-4o', 'ok'],
      ['tool', 'search', 'ok'],
      ['llm', 'gpt-4o', 'error'],
      ['tool', 'fetch', 'error'],
      ['llm', 'gpt-4o', 'ok'],
    ]);
    expect(calls[1]).toMatchObject({ target: 'docs', costMicroUsd: 5, timeMs: T0 + MIN + 500 });
    expect(await queryConversationCalls(store, { conversationId: 'conv-1', limit: 2 })).toHaveLength(2);
  });

  it('summarises latency and errors per model', async () => {
    const rows = await queryLatencySummary(store, { window, by: 'request_model' });
    expect(rows.map((r) => [r.key, r.calls, r.errors])).toEqual([
      ['gpt-4o', 4, 1],
      ['claude-sonnet-4', 1, 0],
    ]);
    const gpt = rows[0];
    expect(gpt?.errorRate).toBe(0.25);
    expect(gpt?.p50Ms).toBeGreaterThanOrEqual(420);
    expect(gpt?.p99Ms).toBeLessThan(480);
    expect(gpt?.ttftP50Ms).toBeGreaterThan(120);
    expect(gpt?.tpotAvgMs).toBe(11.25);
    expect((await queryLatencySummary(store, { window, by: 'provider' })).map((r) => r.key).sort()).toEqual(['anthropic', 'openai']);
  });

  it('summarises tools per server', async () => {
    expect(await queryToolSummary(store, window)).toEqual([
      { server: 'docs', tool: 'search', calls: 1, errors: 0, errorRate: 0, p95Ms: expect.any(Number), costMicroUsd: 5 },
      { server: 'web', tool: 'fetch', calls: 1, errors: 1, errorRate: 1, p95Ms: expect.any(Number), costMicroUsd: 5 },
    ]);
  });
});
