import OpenAI from 'openai';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mint, newSigningKey, type SigningKey } from '../../identity/test/signing-keys.js';
import { type BudgetHarness, startBudgetHarness } from './budget-harness.js';

const ISSUER = 'https://idp.sluice.test';
let key: SigningKey;
let b: BudgetHarness;

// The report's example, as an operator writes it.
const RATE_LIMITS = parse(`
rules:
  - name: per-sub-hourly        # 500 tokens per hour for each JWT sub
    per: agent
    tokens: 500
    period: hour
  - name: alice-rpm
    match: { agent: alice }
    per: [agent, model]
    requests: 3
    period: minute
`) as Record<string, unknown>;

beforeAll(async () => {
  key = await newSigningKey('k1');
  b = await startBudgetHarness({
    rateLimits: RATE_LIMITS,
    extra: () => ({ auth: { teams: { research: {}, ops: {} }, virtualKeys: [], jwt: [{ issuer: ISSUER, keys: [{ pem: key.publicPem, kid: 'k1' }], agentClaim: 'sub' }] } }),
  });
});
afterAll(async () => {
  await b?.close();
});

async function jwtClient(sub: string): Promise<OpenAI> {
  const now = Math.floor(Date.now() / 1000);
  const token = await mint(key, { iss: ISSUER, sub }, { iat: now, exp: now + 600 });
  return new OpenAI({ baseURL: `${b.h.gw.url}/v1`, apiKey: token, maxRetries: 0 });
}

const ask = [{ role: 'user' as const, content: 'hi' }];

describe('rate limits end to end (openai SDK)', () => {
  it('500 tokens per hour for each JWT sub: refused with 429 and OpenAI rate-limit headers once spent', async () => {
    const ana = await jwtClient('ana');
    const seen: number[] = [];
    let refusal: unknown;
    for (let i = 0; i < 10 && refusal === undefined; i++) {
      try {
        const r = await ana.chat.completions.create({ model: 'sim-fast', messages: ask, max_tokens: 100 }, { headers: { 'x-sim-fault': 'output-tokens=100' } }).withResponse();
        seen.push(Number(r.response.headers.get('x-ratelimit-remaining-tokens')));
        expect(r.response.headers.get('x-ratelimit-limit-tokens')).toBe('500');
      } catch (err) {
        refusal = err;
      }
    }
    // Each call counts ~110 tokens (prompt + max_tokens up front, settled to usage): four fit.
    expect(seen).toHaveLength(4);
    expect(seen).toEqual([...seen].sort((x, y) => y - x));
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    const err = refusal as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err.status).toBe(429);
    expect(err.type).toBe('rate_limit_exceeded');
    expect(err.message).toContain('per-sub-hourly');
    expect(err.headers.get('x-ratelimit-limit-tokens')).toBe('500');
    expect(Number(err.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(110);
    expect(err.headers.get('x-ratelimit-reset-tokens')).toMatch(/^(\d+h)?(\d+m)?[\d.]+s$/);
    expect(Number(err.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another sub has its own 500 tokens.
    const ben = await jwtClient('ben');
    await expect(ben.chat.completions.create({ model: 'sim-fast', messages: ask, max_tokens: 100 })).resolves.toMatchObject({ object: 'chat.completion' });
  });
});

describe('request rate limits with virtual keys', () => {
  let vk: BudgetHarness;
  beforeAll(async () => {
    vk = await startBudgetHarness({ rateLimits: RATE_LIMITS });
  });
  afterAll(async () => {
    await vk?.close();
  });

  it('sends x-ratelimit-* on success and refuses past the limit with Retry-After', async () => {
    const alice = vk.client('alice');
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await alice.chat.completions.create({ model: 'sim-fast', messages: ask, max_tokens: 5 }).withResponse();
      expect(r.response.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(r.response.headers.get('x-ratelimit-reset-requests')).toMatch(/s$/);
      remaining.push(r.response.headers.get('x-ratelimit-remaining-requests') ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const err = await alice.chat.completions.create({ model: 'sim-fast', messages: ask, max_tokens: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(Number(e.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(e.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    // Counted per model: another model has its own three.
    await expect(alice.chat.completions.create({ model: 'sim-cheap', messages: ask, max_tokens: 5 })).resolves.toMatchObject({ object: 'chat.completion' });
  });
});
