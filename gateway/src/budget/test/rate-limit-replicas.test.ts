import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BudgetHarness, startBudgetHarness } from './budget-harness.js';

// Two replicas of one config behind a round-robin balancer: each admits half of every limit.
const rateLimits = { replicas: 2, rules: [{ name: 'alice-rpm', match: { agent: 'alice' }, requests: 4, period: 'minute' }] };
let replicas: BudgetHarness[] = [];
beforeAll(async () => {
  replicas = await Promise.all([startBudgetHarness({ rateLimits }), startBudgetHarness({ rateLimits })]);
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.close()));
});

const ask = (client: OpenAI) => client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });

describe('rate limits divided among replicas (rateLimits.replicas: 2)', () => {
  it('two replicas together admit the limit, not twice it, and the 429 says whose share ran out', async () => {
    const clients = replicas.map((r) => r.client('alice'));
    const outcomes: Array<'ok' | InstanceType<typeof OpenAI.RateLimitError>> = [];
    for (let i = 0; i < 8; i++) {
      outcomes.push(
        await ask(clients[i % 2]).then(
          () => 'ok' as const,
          (e: unknown) => {
            if (e instanceof OpenAI.RateLimitError) return e;
            throw e;
          },
        ),
      );
    }
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(4);
    expect(outcomes.slice(0, 4)).toEqual(['ok', 'ok', 'ok', 'ok']);
    const refused = outcomes[4] as InstanceType<typeof OpenAI.RateLimitError>;
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused.headers?.get('x-ratelimit-limit-requests')).toBe('2');
    expect(refused.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(refused.message).toContain("2 requests per 1m0s, this gateway's share of 4 divided among 2 replicas");
  });
});
