import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/harness.js';
import { BUDGET_WARNING_HEADER } from '../budget-stage.js';
import type { BudgetListing } from '../budgets-handler.js';
import type { BudgetRef } from '../ledger.js';
import { type AgentName, type BudgetHarness, startBudgetHarness } from './budget-harness.js';

const daily = { kind: 'calendar', unit: 'daily', timeZone: 'UTC' } as const;
const refs = {
  aliceSoft: { name: 'alice-soft', subject: 'agent:alice', limitMicroUsd: 20_000, window: daily },
  everyone: (agent: AgentName): BudgetRef => ({ name: 'everyone', subject: `agent:${agent}`, limitTokens: 1_000_000, window: daily }),
  carol: { name: 'carol-tokens', subject: 'agent:carol', limitTokens: 80, window: daily },
} satisfies Record<string, BudgetRef | ((a: AgentName) => BudgetRef)>;

let b: BudgetHarness;
beforeAll(async () => {
  b = await startBudgetHarness({
    budgets: {
      // No output reservation: streams are metered as they go and cut at the line.
      reserveOutput: false,
      rules: [
        { name: 'alice-soft', match: { agent: 'alice' }, limitUsd: 0.02, window: 'daily', softThresholds: [{ atFraction: 0.3, downgradeTo: 'sim-cheap' }] },
        { name: 'everyone', per: 'agent', limitTokens: 1_000_000, window: 'daily' },
        { name: 'carol-tokens', match: { agent: 'carol' }, limitTokens: 80, window: 'daily' },
      ],
    },
  });
});
afterAll(async () => {
  await b?.close();
});

const spent = (ref: BudgetRef) => b.budgets.ledger.status(ref).spent;
const ask = (content = 'Tell me about rivers.') => [{ role: 'user' as const, content }];

describe('budget behaviour end to end (openai SDK)', () => {
  it('past a soft threshold, switches the caller to the cheaper model and warns', async () => {
    const client = b.client('alice');
    const first = await client.chat.completions.create({ model: 'sim-fast', messages: ask(), max_tokens: 60 }, { headers: { 'x-sim-fault': 'output-tokens=60' } }).withResponse();
    expect(first.response.headers.get(BUDGET_WARNING_HEADER)).toBeNull();
    expect(first.data.model).toBe('sim-fast');
    // 60 output tokens at $30/M plus the prompt: past 30 % of $0.02 after a few calls.
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'sim-fast', messages: ask(), max_tokens: 60 }, { headers: { 'x-sim-fault': 'output-tokens=60' } });
    expect(spent(refs.aliceSoft).costMicroUsd).toBeGreaterThan(0.3 * 20_000);
    const before = spent(refs.aliceSoft).costMicroUsd;
    const next = await client.chat.completions.create({ model: 'sim-fast', messages: ask(), max_tokens: 60 }, { headers: { 'x-sim-fault': 'output-tokens=60' } }).withResponse();
    expect(next.data.model).toBe('sim-cheap');
    expect(next.response.headers.get(BUDGET_WARNING_HEADER)).toMatch(/^alice-soft=\d+%$/);
    // Charged at the cheaper model's price ($1/$2 per M instead of $10/$30).
    const charged = spent(refs.aliceSoft).costMicroUsd - before;
    expect(charged).toBeGreaterThan(0);
    expect(charged).toBeLessThanOrEqual(Math.ceil((next.data.usage?.prompt_tokens ?? 0) * 1 + (next.data.usage?.completion_tokens ?? 0) * 2));
  });

  it('charges a client that disconnects mid-stream for what was generated', async () => {
    const before = spent(refs.everyone('bob')).tokens;
    const stream = await b.client('bob').chat.completions.create({ model: 'sim-fast', messages: ask(), stream: true }, { headers: { 'x-sim-fault': 'token-ms=15;output-tokens=400' } });
    let chunks = 0;
    for await (const c of stream) {
      if (c.choices[0]?.delta?.content) chunks++;
      if (chunks >= 5) break;
    }
    const after = await eventually(() => b.budgets.ledger.openReservations === 0 && spent(refs.everyone('bob')).tokens, (t) => t !== false && t > before, 5_000);
    const charged = (after as number) - before;
    expect(charged).toBeGreaterThan(5);
    expect(charged).toBeLessThan(400);
  });

  it('charges counted tokens, never zero, when the upstream sends no usage (stream and JSON)', async () => {
    const client = b.client('bob');
    let before = spent(refs.everyone('bob')).tokens;
    const stream = await client.chat.completions.create({ model: 'sim-fast', messages: ask(), stream: true, stream_options: { include_usage: true } }, { headers: { 'x-sim-fault': 'missing-usage;output-tokens=30' } });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    const streamed = (await eventually(() => spent(refs.everyone('bob')).tokens - before, (d) => d > 0, 5_000)) as number;
    expect(streamed).toBeGreaterThanOrEqual(30);
    before = spent(refs.everyone('bob')).tokens;
    const json = await client.chat.completions.create({ model: 'sim-fast', messages: ask(), max_tokens: 30 }, { headers: { 'x-sim-fault': 'missing-usage;output-tokens=30' } });
    expect(json.usage).toBeUndefined();
    expect(spent(refs.everyone('bob')).tokens - before).toBeGreaterThanOrEqual(30);
  });

  it('ends a stream at the budget line with an error event the SDK raises, and charges what was generated', async () => {
    const stream = await b.client('carol').chat.completions.create({ model: 'sim-fast', messages: ask(), stream: true }, { headers: { 'x-sim-fault': 'output-tokens=300' } });
    let text = '';
    const err = await (async () => {
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(String((err as Error).message)).toContain('carol-tokens');
    expect(text.length).toBeGreaterThan(0);
    const tokens = (await eventually(() => b.budgets.ledger.openReservations === 0 && spent(refs.carol).tokens, (t) => t !== false && t > 0, 5_000)) as number;
    // At the line: everything delivered fitted; the one withheld chunk (a token or two) is charged too.
    expect(tokens).toBeGreaterThan(60);
    expect(tokens).toBeLessThanOrEqual(80 + 3);
    // Nothing fits any more today.
    const refused = await b.client('carol').chat.completions.create({ model: 'sim-fast', messages: ask() }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('GET /v1/budgets: the caller sees its own budgets; an admin sees everyone’s', async () => {
    const get = async (agent: AgentName) => (await (await fetch(`${b.h.gw.url}/v1/budgets`, { headers: { authorization: `Bearer ${b.key(agent)}` } })).json()) as BudgetListing;
    const own = await get('alice');
    expect(own.all).toBe(false);
    expect(own.data.map((e) => `${e.name}/${e.subject}`)).toEqual(['alice-soft/agent:alice', 'everyone/agent:alice']);
    const soft = own.data[0];
    expect(soft.spent_micro_usd).toBe(spent(refs.aliceSoft).costMicroUsd);
    expect(soft.remaining_micro_usd).toBe(20_000 - soft.spent_micro_usd);
    expect(soft.resets_at).toMatch(/T00:00:00\.000Z$/);
    const all = await get('root');
    expect(all.all).toBe(true);
    expect(all.data.map((e) => `${e.name}/${e.subject}`)).toEqual(expect.arrayContaining(['everyone/agent:bob', 'carol-tokens/agent:carol', 'alice-soft/agent:alice']));
    const anonymous = await fetch(`${b.h.gw.url}/v1/budgets`);
    expect(anonymous.status).toBe(401);
  });
});
