import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { SLUICE } from '../../../../collector/src/model/semconv.js';
import { eventually } from '../../../test/harness.js';
import type { ConfigInput } from '../../config/schema.js';
import { MSG, type RoutingFixture, readStream, startRoutingFixture } from './routing-fixture.js';

let f: RoutingFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

/** Group `chat`: primary then backup (priority), both the simulator's instant model. */
function pair(routing: ConfigInput['routing'] = {}) {
  return startRoutingFixture({
    sims: { primary: {}, backup: {} },
    config: () => ({
      models: { chat: { strategy: 'priority', targets: [{ provider: 'primary', model: 'sim-fast' }, { provider: 'backup', model: 'sim-fast' }] } },
      routing,
    }),
  });
}

const apiError = (e: unknown) => e as InstanceType<typeof OpenAI.APIError>;

describe('failover across a model group', () => {
  it('primary always 503 → every request served by the secondary, with the attempts on the span', async () => {
    f = await pair({ breaker: { enabled: false } });
    f.sims.primary.setFaultPlan([{ fault: 'status=503' }]);
    for (let i = 0; i < 4; i++) {
      f.resetSpans();
      const res = await f.client.chat.completions.create({ model: 'chat', messages: MSG });
      expect(res.choices[0].message.content).toBeTruthy();
      const a = (await f.serverSpan()).attributes;
      expect(a[SLUICE.ATTEMPTS]).toBe(2);
      expect(a[SLUICE.SERVED_BY_BACKUP]).toBe(true);
      expect(a[SLUICE.FAILOVER_PATH]).toEqual(['primary/sim-fast', 'backup/sim-fast']);
      expect(a[SLUICE.FAILOVER_REASON]).toBe('upstream_503');
      expect(a[SLUICE.TARGET]).toBe('backup/sim-fast');
      const attempts = f.attemptSpans();
      expect(attempts.map((s) => [s.attributes[SLUICE.TARGET], s.attributes[SLUICE.ATTEMPT_OUTCOME], s.attributes[SLUICE.ATTEMPT]])).toEqual([
        ['primary/sim-fast', 'error', 1],
        ['backup/sim-fast', 'ok', 2],
      ]);
      expect(attempts[1].attributes[SLUICE.ATTEMPT_WAIT_MS]).toBe(0);
    }
    expect(f.sims.primary.stats().total).toBe(4);
    expect(f.sims.backup.stats().total).toBe(4);
  });

  it('breaker opens after the threshold (the dead target sees no more requests) and closes after recovery', async () => {
    // The ejection outlasts the 8 requests below even on a loaded machine.
    f = await pair({ breaker: { consecutiveFailures: 3, baseEjectionMs: 2_000 } });
    f.sims.primary.setFaultPlan([{ fault: 'status=500' }]);
    for (let i = 0; i < 8; i++) await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    expect(f.sims.primary.stats().total).toBe(3);
    expect(f.sims.backup.stats().total).toBe(8);
    f.resetSpans();
    await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    const a = (await f.serverSpan()).attributes;
    expect(a[SLUICE.ATTEMPTS]).toBe(1);
    expect(a[SLUICE.SERVED_BY_BACKUP]).toBe(true);
    expect(a[SLUICE.FAILOVER_REASON]).toBe('breaker_open');
    expect(a[SLUICE.FAILOVER_SKIPPED]).toEqual(['primary/sim-fast:breaker_open']);

    // Recovery: the fault is gone; after the ejection one probe goes through and closes the breaker.
    f.sims.primary.setFaultPlan([]);
    await new Promise((r) => setTimeout(r, 2_100));
    f.resetSpans();
    await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    const probe = f.attemptSpans();
    expect(probe.map((s) => s.attributes[SLUICE.BREAKER_STATE])).toEqual(['half-open']);
    for (let i = 0; i < 3; i++) await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    expect(f.sims.primary.stats().total).toBe(3 + 4);
    expect(f.sims.backup.stats().total).toBe(9);
  });

  it('primary 429 with Retry-After → skipped until then, then used again', async () => {
    f = await pair();
    f.sims.primary.setFaultPlan([{ fault: 'status=429;retry-after=1', toMs: 300 }]);
    f.resetSpans();
    await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    expect((await f.serverSpan()).attributes[SLUICE.FAILOVER_REASON]).toBe('upstream_rate_limited');
    for (let i = 0; i < 5; i++) {
      f.resetSpans();
      await f.client.chat.completions.create({ model: 'chat', messages: MSG });
      expect((await f.serverSpan()).attributes[SLUICE.FAILOVER_SKIPPED]).toEqual(['primary/sim-fast:quota_exhausted']);
    }
    expect(f.sims.primary.stats().total).toBe(1);
    await new Promise((r) => setTimeout(r, 1_050));
    f.resetSpans();
    await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    expect((await f.serverSpan()).attributes[SLUICE.SERVED_BY_BACKUP]).toBe(false);
    expect(f.sims.primary.stats().total).toBe(2);
  });

  it('x-ratelimit-remaining-requests at 0 → routed elsewhere before the provider has to refuse', async () => {
    f = await startRoutingFixture({
      sims: { primary: { quota: { requestsPerMinute: 2 } }, backup: {} },
      config: () => ({ models: { chat: { targets: [{ provider: 'primary', model: 'sim-fast' }, { provider: 'backup', model: 'sim-fast' }] } } }),
    });
    for (let i = 0; i < 6; i++) await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    const p = f.sims.primary.stats();
    expect(p.total).toBe(2);
    expect(p.byStatus['429']).toBeUndefined();
    expect(f.sims.backup.stats().total).toBe(4);
  });

  it("a target's remaining tokens are checked against the counted request when its bytes alone do not fit", async () => {
    f = await startRoutingFixture({
      sims: { primary: { quota: { tokensPerMinute: 300 } }, backup: {} },
      config: () => ({ models: { chat: { targets: [{ provider: 'primary', model: 'sim-fast' }, { provider: 'backup', model: 'sim-fast' }] } } }),
    });
    // 240 bytes, ~41 tokens: after the first call the primary has fewer tokens left than the
    // request has bytes, but room for several more such requests.
    const messages = [{ role: 'user' as const, content: 'hello world '.repeat(20) }];
    for (let i = 0; i < 8; i++) await f.client.chat.completions.create({ model: 'chat', messages, max_tokens: 5 });
    const p = f.sims.primary.stats();
    expect(p.byStatus['429']).toBeUndefined();
    expect(p.total).toBeGreaterThanOrEqual(4);
    expect(f.sims.backup.stats().total).toBe(8 - p.total);
    expect(f.sims.backup.stats().total).toBeGreaterThan(0);
  });

  it('a stream cut before its first token is served by the backup, transparently', async () => {
    f = await pair();
    f.sims.primary.setFaultPlan([{ fault: 'disconnect-after=0' }]);
    f.resetSpans();
    const { text, error } = await readStream(await f.client.chat.completions.create({ model: 'chat', messages: MSG, stream: true }));
    expect(error).toBeUndefined();
    expect(text.length).toBeGreaterThan(0);
    const a = (await f.serverSpan()).attributes;
    expect(a[SLUICE.SERVED_BY_BACKUP]).toBe(true);
    expect(a[SLUICE.FAILOVER_REASON]).toBe('upstream_stream_broken');
    expect(f.attemptSpans().map((s) => s.attributes[SLUICE.ATTEMPT_OUTCOME])).toEqual(['stream_broken', 'ok']);
  });

  it('a stream cut after the first token ends with an error the SDK raises; never retried, the span says why', async () => {
    f = await pair();
    f.sims.primary.setFaultPlan([{ fault: 'disconnect-after=3' }]);
    f.resetSpans();
    const { text, error } = await readStream(await f.client.chat.completions.create({ model: 'chat', messages: MSG, stream: true }));
    expect(text.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toMatch(/stream from provider primary/);
    expect(f.sims.backup.stats().total).toBe(0);
    const server = await f.serverSpan();
    expect(server.attributes[SLUICE.ERROR_CODE]).toBe('GW_UPSTREAM_STREAM_BROKEN');
    expect(server.status.message).toMatch(/stream from provider primary broke/);
    const attempts = await eventually(() => f!.attemptSpans(), (s) => s.length === 1);
    expect(attempts[0].attributes[SLUICE.ATTEMPT_OUTCOME]).toBe('stream_broken');
  });

  it('a client-caused 4xx is returned as is, never retried or failed over', async () => {
    f = await pair();
    f.sims.primary.setFaultPlan([{ fault: 'status=400' }]);
    const err = apiError(await f.client.chat.completions.create({ model: 'chat', messages: MSG }).catch((e: unknown) => e));
    expect(err.status).toBe(400);
    expect(f.sims.primary.stats().total).toBe(1);
    expect(f.sims.backup.stats().total).toBe(0);
  });

  it('retries a lone target with growing backoff, within the attempt budget', async () => {
    f = await startRoutingFixture({
      sims: { only: {} },
      config: () => ({ models: { solo: { provider: 'only', model: 'sim-fast' } }, routing: { retry: { maxAttempts: 3, backoff: { initialMs: 20, maxMs: 40 } } } }),
    });
    f.sims.only.setFaultPlan([{ fault: 'status=502' }]);
    f.resetSpans();
    const err = apiError(await f.client.chat.completions.create({ model: 'solo', messages: MSG }).catch((e: unknown) => e));
    expect(err.status).toBe(502);
    expect(f.sims.only.stats().total).toBe(3);
    await f.serverSpan();
    const waits = f.attemptSpans().map((s) => s.attributes[SLUICE.ATTEMPT_WAIT_MS] as number);
    expect(waits[0]).toBe(0);
    expect(waits[1]).toBeGreaterThanOrEqual(10);
    expect(waits[2]).toBeGreaterThanOrEqual(20);
  });
});
