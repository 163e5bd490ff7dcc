import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { SLUICE } from '../../../../collector/src/model/semconv.js';
import type { ConfigInput } from '../../config/schema.js';
import { MSG, type RoutingFixture, startRoutingFixture } from './routing-fixture.js';

let f: RoutingFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

const apiError = (e: unknown) => e as InstanceType<typeof OpenAI.APIError>;
const fail = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => apiError(e));

function twoTargets(routing: ConfigInput['routing']) {
  const config = (): Partial<ConfigInput> => ({
    models: { chat: { targets: [{ provider: 'a', model: 'sim-fast' }, { provider: 'b', model: 'sim-fast' }] } },
    routing,
  });
  return startRoutingFixture({ sims: { a: {}, b: {} }, config });
}

describe('bad input and edge cases', () => {
  it('all targets ejected → 503 naming the group and when the first may return; survives a config reload', async () => {
    f = await twoTargets({ breaker: { consecutiveFailures: 1, baseEjectionMs: 5_000 }, retry: { maxAttempts: 2 } });
    f.sims.a.setFaultPlan([{ fault: 'status=500' }]);
    f.sims.b.setFaultPlan([{ fault: 'status=503' }]);
    const first = await fail(f.client.chat.completions.create({ model: 'chat', messages: MSG }));
    expect(first?.status).toBe(502);
    const reload = await f.gw.reload({ ...f.gw.config(), providers: f.gw.config().providers.map((p) => ({ ...p })) } as ConfigInput);
    expect(reload.ok).toBe(true);
    f.resetSpans();
    const err = await fail(f.client.chat.completions.create({ model: 'chat', messages: MSG }));
    expect(err?.status).toBe(503);
    expect(err?.code).toBe('no_healthy_target');
    expect(err?.message).toMatch(/model group 'chat'/);
    const retryAfterS = Number(err?.headers?.get('retry-after'));
    expect(retryAfterS).toBeGreaterThanOrEqual(1);
    expect(retryAfterS).toBeLessThanOrEqual(5);
    expect(f.sims.a.stats().total + f.sims.b.stats().total).toBe(2);
    const a = (await f.serverSpan()).attributes;
    expect(a[SLUICE.ATTEMPTS]).toBe(0);
    expect(a[SLUICE.FAILOVER_SKIPPED]).toEqual(['a/sim-fast:breaker_open', 'b/sim-fast:breaker_open']);
    expect(a[SLUICE.ERROR_CODE]).toBe('GW_NO_HEALTHY_TARGET');
  });

  it('an upstream that never answers → 504 when the request deadline passes', async () => {
    f = await startRoutingFixture({ sims: { a: {} }, config: () => ({ models: { chat: { provider: 'a', model: 'sim-fast', } }, routing: { deadlineMs: 300 } }) });
    f.sims.a.setFaultPlan([{ fault: 'stall' }]);
    f.resetSpans();
    const err = await fail(f.client.chat.completions.create({ model: 'chat', messages: MSG }));
    expect(err?.status).toBe(504);
    expect(err?.code).toBe('deadline_exceeded');
    await f.serverSpan();
    expect(f.attemptSpans().map((s) => s.attributes[SLUICE.ATTEMPT_OUTCOME])).toEqual(['deadline']);
  });

  it('a deadline that a retry wait would pass → 504 at once instead of waiting', async () => {
    f = await startRoutingFixture({
      sims: { a: {} },
      config: () => ({ models: { chat: { targets: [{ provider: 'a', model: 'sim-fast' }], routing: { deadlineMs: 1_000, retry: { maxRetryAfterMs: 60_000 } } } } }),
    });
    f.sims.a.setFaultPlan([{ fault: 'status=503;retry-after=30' }]);
    const err = await fail(f.client.chat.completions.create({ model: 'chat', messages: MSG }));
    expect(err?.status).toBe(504);
    expect(err?.message).toMatch(/1000 ms deadline \(1 attempt\)/);
    expect(f.sims.a.stats().total).toBe(1);
  });

  it('a Retry-After longer than the gateway waits → the upstream error with its Retry-After, no wait', async () => {
    f = await startRoutingFixture({ sims: { a: {} }, config: () => ({ models: { chat: { provider: 'a', model: 'sim-fast' } } }) });
    f.sims.a.setFaultPlan([{ fault: 'status=503;retry-after=3' }]);
    const err = await fail(f.client.chat.completions.create({ model: 'chat', messages: MSG }));
    expect(err?.status).toBe(502);
    expect(err?.headers?.get('retry-after')).toBe('3');
    expect(f.sims.a.stats().total).toBe(1);
  });
});

describe('context-length awareness', () => {
  const long = [{ role: 'user' as const, content: 'please summarise: ' + 'lorem ipsum dolor sit amet '.repeat(20) }];
  const sims = { small: { models: { tiny: { contextWindowTokens: 40 } } }, large: {} };

  it('skips a target whose declared window cannot hold the request (not a failover)', async () => {
    f = await startRoutingFixture({
      sims,
      config: () => ({ models: { chat: { targets: [{ provider: 'small', model: 'tiny', contextWindow: 40 }, { provider: 'large', model: 'sim-fast', contextWindow: 100_000 }] } } }),
    });
    f.resetSpans();
    await f.client.chat.completions.create({ model: 'chat', messages: long });
    expect(f.sims.small.stats().total).toBe(0);
    const a = (await f.serverSpan()).attributes;
    expect(a[SLUICE.FAILOVER_SKIPPED]).toEqual(['small/tiny:context_window']);
    expect(a[SLUICE.SERVED_BY_BACKUP]).toBe(false);
    await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    expect(f.sims.small.stats().total).toBe(1);
  });

  it('a request whose bytes exceed a window but whose counted tokens fit is served there', async () => {
    f = await startRoutingFixture({
      sims,
      config: () => ({ models: { chat: { targets: [{ provider: 'small', model: 'tiny', contextWindow: 40 }, { provider: 'large', model: 'sim-fast', contextWindow: 100_000 }] } } }),
    });
    f.resetSpans();
    // 96 bytes, about 17 tokens (+7 of framing).
    await f.client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hello world '.repeat(8) }] });
    expect(f.sims.small.stats().total).toBe(1);
    const a = (await f.serverSpan()).attributes;
    expect(a[SLUICE.TARGET]).toBe('small/tiny');
    expect(a[SLUICE.FAILOVER_SKIPPED]).toBeUndefined();
  });

  it('context_length_exceeded from a target fails over to a larger window', async () => {
    f = await startRoutingFixture({
      sims,
      config: () => ({ models: { chat: { targets: [{ provider: 'small', model: 'tiny' }, { provider: 'large', model: 'sim-fast', contextWindow: 100_000 }] } } }),
    });
    f.resetSpans();
    await f.client.chat.completions.create({ model: 'chat', messages: long });
    const a = (await f.serverSpan()).attributes;
    expect(a[SLUICE.FAILOVER_REASON]).toBe('context_length_exceeded');
    expect(a[SLUICE.TARGET]).toBe('large/sim-fast');
    expect(f.sims.small.stats().byStatus['400']).toBe(1);
  });

  it('a request larger than every window → 400 context_length_exceeded without calling anyone', async () => {
    f = await startRoutingFixture({
      sims,
      config: () => ({ models: { chat: { targets: [{ provider: 'small', model: 'tiny', contextWindow: 40 }, { provider: 'large', model: 'sim-fast', contextWindow: 60 }] } } }),
    });
    const err = await fail(f.client.chat.completions.create({ model: 'chat', messages: long }));
    expect(err?.status).toBe(400);
    expect(err?.code).toBe('context_length_exceeded');
    expect(err?.message).toMatch(/largest context window in model group 'chat' \(60\)/);
    expect(f.sims.small.stats().total + f.sims.large.stats().total).toBe(0);
  });
});
