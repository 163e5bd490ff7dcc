import { afterEach, describe, expect, it } from 'vitest';
import { SLUICE } from '../../../../collector/src/model/semconv.js';
import type { ConfigInput } from '../../config/schema.js';
import { seededRandom } from './seeded-random.js';
import { MSG, type RoutingFixture, readStream, startRoutingFixture } from './routing-fixture.js';

let f: RoutingFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

type Group = NonNullable<ConfigInput['models']>[string];

function group(g: Group) {
  // A short EWMA time constant so a recovered target is trusted again within the test.
  return startRoutingFixture({ sims: { a: {}, b: {} }, config: () => ({ models: { chat: g }, routing: { leastLatency: { decayMs: 2_000 } } }), random: seededRandom(42) });
}

/** Runs `n` requests, `concurrency` at a time (bounded). */
async function load(n: number, concurrency: number, one: () => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

describe('load balancing strategies', () => {
  it('weighted: a 3:1 split over 1,000 requests lands within 4 points', async () => {
    f = await group({ strategy: 'weighted', targets: [{ provider: 'a', model: 'sim-fast', weight: 3 }, { provider: 'b', model: 'sim-fast', weight: 1 }] });
    await load(1_000, 16, () => f!.client.chat.completions.create({ model: 'chat', messages: MSG, max_tokens: 5 }));
    const a = f.sims.a.stats().total;
    const b = f.sims.b.stats().total;
    expect(a + b).toBe(1_000);
    expect(Math.abs(a / 1_000 - 0.75)).toBeLessThan(0.04);
  });

  it('least-latency: traffic moves away from a target made slow, and back when the other slows', async () => {
    f = await group({ strategy: 'least-latency', targets: [{ provider: 'a', model: 'sim-fast' }, { provider: 'b', model: 'sim-fast' }] });
    const stream = () => f!.client.chat.completions.create({ model: 'chat', messages: MSG, stream: true, max_tokens: 5 }).then(readStream);
    f.sims.b.setFaultPlan([{ fault: 'ttft-ms=300' }]);
    for (let i = 0; i < 20; i++) await stream();
    expect(f.sims.a.stats().total).toBeGreaterThanOrEqual(18);
    f.sims.a.resetStats();
    f.sims.b.resetStats();
    f.sims.b.setFaultPlan([]);
    f.sims.a.setFaultPlan([{ fault: 'ttft-ms=300' }]);
    for (let i = 0; i < 20; i++) await stream();
    expect(f.sims.b.stats().total).toBeGreaterThanOrEqual(18);
  });

  it('least-cost: the cheapest target that fits, the dearer one as its backup', async () => {
    f = await group({
      strategy: 'least-cost',
      targets: [
        { provider: 'a', model: 'sim-fast', price: { inputUsdPerMTok: 5, outputUsdPerMTok: 15 } },
        { provider: 'b', model: 'sim-fast', price: { inputUsdPerMTok: 0.15, outputUsdPerMTok: 0.6 } },
      ],
    });
    for (let i = 0; i < 5; i++) await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    expect(f.sims.b.stats().total).toBe(5);
    expect(f.sims.a.stats().total).toBe(0);
    f.sims.b.setFaultPlan([{ fault: 'status=503' }]);
    f.resetSpans();
    await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    const attrs = (await f.serverSpan()).attributes;
    expect(attrs[SLUICE.ROUTING_STRATEGY]).toBe('least-cost');
    expect(attrs[SLUICE.FAILOVER_PATH]).toEqual(['b/sim-fast', 'a/sim-fast']);
  });
});
