import { afterEach, describe, expect, it } from 'vitest';
import { MSG, type RoutingFixture, startRoutingFixture } from './routing-fixture.js';

let f: RoutingFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('active health checks (off by default)', () => {
  it('a passing check brings an ejected target back before its ejection runs out', async () => {
    f = await startRoutingFixture({
      sims: { primary: {}, backup: {} },
      config: () => ({
        models: { chat: { targets: [{ provider: 'primary', model: 'sim-fast' }, { provider: 'backup', model: 'sim-fast' }] } },
        routing: { breaker: { consecutiveFailures: 1, baseEjectionMs: 60_000 }, healthChecks: { enabled: true, intervalMs: 3_600_000, targets: 'ejected' } },
      }),
    });
    f.sims.primary.setFaultPlan([{ fault: 'status=500' }]);
    await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    expect(f.engine.registry.peek('primary/sim-fast')?.breaker.phase).toBe('open');
    // Still failing: the check counts against it and it stays out.
    expect(await f.engine.health.runRound()).toBe(1);
    expect(f.engine.registry.peek('primary/sim-fast')?.breaker.phase).toBe('open');
    f.sims.primary.setFaultPlan([]);
    expect(await f.engine.health.runRound()).toBe(1);
    expect(f.engine.registry.peek('primary/sim-fast')?.breaker.phase).toBe('closed');
    const before = f.sims.primary.stats().total;
    await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    expect(f.sims.primary.stats().total).toBe(before + 1);
    // A round checks only ejected targets: none now.
    expect(await f.engine.health.runRound()).toBe(0);
    // The check is one cheap call: one token asked for.
    const check = f.sims.primary.recentRequests(10).find((r) => JSON.stringify(r).includes('"max_tokens":1'));
    expect(check).toBeDefined();
  });

  it('do nothing unless enabled', async () => {
    f = await startRoutingFixture({
      sims: { a: {} },
      config: () => ({ models: { chat: { provider: 'a', model: 'sim-fast' } }, routing: { breaker: { consecutiveFailures: 1 } } }),
    });
    f.sims.a.setFaultPlan([{ fault: 'status=500' }]);
    await f.client.chat.completions.create({ model: 'chat', messages: MSG }).catch(() => undefined);
    expect(f.engine.registry.peek('a/sim-fast')?.breaker.phase).toBe('open');
    const before = f.sims.a.stats().total;
    expect(await f.engine.health.runRound()).toBe(0);
    expect(f.sims.a.stats().total).toBe(before);
  });
});
