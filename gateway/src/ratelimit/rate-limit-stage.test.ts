import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SLUICE } from '../../../collector/src/model/semconv.js';
import { GatewayError } from '../errors.js';
import type { Identity } from '../pipeline/context.js';
import { jsonOutcome, testConfig, testCtx, usage } from '../budget/test/stage-fixtures.js';
import { rateLimitStage } from './rate-limit-stage.js';
import { RateLimiter } from './rate-limiter.js';

const sub = (agent: string): Identity => ({ method: 'jwt', agent, claims: { sub: agent } });

function setup(rateLimits: unknown) {
  let t = Date.UTC(2025, 0, 1);
  const now = () => t;
  const limiter = new RateLimiter({ now });
  const config = testConfig({ rateLimits });
  const stage = rateLimitStage(limiter);
  const ctx = (identity: Identity, body?: Record<string, unknown>) => testCtx({ config, identity, body, now });
  return { stage, ctx, advance: (ms: number) => (t += ms) };
}

async function outcomeOf(p: Promise<unknown>): Promise<GatewayError | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
}

describe('rateLimitStage', () => {
  it('the report example: 500 tokens per hour for each JWT sub, in a few lines of YAML', async () => {
    const s = setup(parse(`
rules:
  - name: per-sub-hourly
    per: agent
    tokens: 500
    period: hour
`));
    const ask = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_tokens: 100 };
    const results: Array<GatewayError | 'ok'> = [];
    for (let i = 0; i < 6; i++) results.push(await outcomeOf(s.stage(s.ctx(sub('alice'), ask), async () => jsonOutcome(usage(10, 100)))));
    // Each call holds ~110 tokens up front and settles to 110: four fit in 500, the fifth does not.
    expect(results.slice(0, 4)).toEqual(['ok', 'ok', 'ok', 'ok']);
    const refused = results[4] as GatewayError;
    expect(refused.code).toBe('GW_RATE_LIMITED');
    expect(refused.status).toBe(429);
    expect(refused.headers['x-ratelimit-limit-tokens']).toBe('500');
    expect(Number(refused.headers['x-ratelimit-remaining-tokens'])).toBeLessThan(110);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.headers['retry-after-ms']).toBe(String(refused.retryAfterMs));
    // Another sub has its own 500.
    expect(await outcomeOf(s.stage(s.ctx(sub('bob'), ask), async () => jsonOutcome(usage(10, 100))))).toBe('ok');
    // After the wait it was told, alice fits again.
    s.advance(refused.retryAfterMs ?? 0);
    expect(await outcomeOf(s.stage(s.ctx(sub('alice'), ask), async () => jsonOutcome(usage(10, 100))))).toBe('ok');
  });

  it('refuses requests per minute with the OpenAI headers, and sets them on success too', async () => {
    const s = setup({ rules: [{ name: 'rpm', per: ['agent', 'model'], requests: 2, period: 'minute' }] });
    const ok = s.ctx(sub('a'));
    await s.stage(ok, async () => jsonOutcome(usage(1, 1)));
    expect(ok.responseHeaders).toMatchObject({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '30s' });
    await s.stage(s.ctx(sub('a')), async () => jsonOutcome(usage(1, 1)));
    const ctx = s.ctx(sub('a'));
    const err = (await outcomeOf(s.stage(ctx, async () => jsonOutcome(usage(1, 1))))) as GatewayError;
    expect(err.code).toBe('GW_RATE_LIMITED');
    expect(err.type).toBe('rate_limit_exceeded');
    expect(err.headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(err.retryAfterMs).toBe(30_000);
    expect(ctx.attrs[SLUICE.RATELIMIT_NAME]).toBe('rpm');
    // Per model: another model has its own count.
    expect(await outcomeOf(s.stage(s.ctx(sub('a'), { model: 'gpt-4o-mini', messages: [] }), async () => jsonOutcome(usage(1, 1))))).toBe('ok');
  });

  it('gives the request back when a later stage refuses the call (budget, guardrail)', async () => {
    const s = setup({ rules: [{ name: 'one', requests: 1, period: 'hour' }] });
    const refuse = async () => Promise.reject(new GatewayError('GW_BUDGET_EXCEEDED', 'over'));
    expect(await outcomeOf(s.stage(s.ctx(sub('a')), refuse))).toMatchObject({ code: 'GW_BUDGET_EXCEEDED' });
    expect(await outcomeOf(s.stage(s.ctx(sub('a')), async () => jsonOutcome(usage(1, 1))))).toBe('ok');
    expect(await outcomeOf(s.stage(s.ctx(sub('a')), async () => jsonOutcome(usage(1, 1))))).toMatchObject({ code: 'GW_RATE_LIMITED' });
  });

  it('does not count callers a rule does not match, or who lack its dimension', async () => {
    const s = setup({ rules: [{ name: 'team', per: 'team', requests: 1, period: 'hour' }, { name: 'bob-only', match: { agent: 'bob' }, requests: 1, period: 'hour' }] });
    for (let i = 0; i < 3; i++) expect(await outcomeOf(s.stage(s.ctx(sub('a')), async () => jsonOutcome(usage(1, 1))))).toBe('ok');
  });

  it('with replicas, admits this replica’s part of each limit (at least one)', async () => {
    const s = setup({ replicas: 3, rules: [{ name: 'tpm', tokens: 500, period: 'minute' }, { name: 'rph', requests: 2, period: 'hour' }] });
    const ctx = s.ctx(sub('a'), { model: 'm', messages: [], max_tokens: 100 });
    await s.stage(ctx, async () => jsonOutcome(usage(0, 100)));
    // 500 / 3 → 166 tokens, 2 / 3 → 1 request (never 0).
    expect(ctx.responseHeaders).toMatchObject({ 'x-ratelimit-limit-tokens': '166', 'x-ratelimit-limit-requests': '1', 'x-ratelimit-remaining-requests': '0' });
    const err = (await outcomeOf(s.stage(s.ctx(sub('a'), { model: 'm', messages: [], max_tokens: 10 }), async () => jsonOutcome(usage(1, 1))))) as GatewayError;
    expect(err.code).toBe('GW_RATE_LIMITED');
    expect(err.message).toBe(`Rate limit "rph" reached (1 requests per 1h0m0s, this gateway's share of 2 divided among 3 replicas). Retry in ${err.headers['x-ratelimit-reset-requests']}.`);
  });

  it('refuses outright a call that needs more than the whole limit', async () => {
    const s = setup({ rules: [{ name: 'small', tokens: 50, period: 'minute' }] });
    const err = (await outcomeOf(s.stage(s.ctx(sub('a'), { model: 'm', messages: [], max_tokens: 100 }), async () => jsonOutcome(usage(1, 1))))) as GatewayError;
    expect(err.code).toBe('GW_RATE_LIMITED');
    expect(err.retryAfterMs).toBeUndefined();
    expect(err.headers['x-should-retry']).toBe('false');
  });
});
