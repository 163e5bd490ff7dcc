import { afterEach, describe, expect, it } from 'vitest';
import { SLUICE } from '../../../../collector/src/model/semconv.js';
import { eventually } from '../../../test/harness.js';
import { MSG, type RoutingFixture, readStream, startRoutingFixture } from './routing-fixture.js';

let f: RoutingFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

function hedged() {
  return startRoutingFixture({
    sims: { slow: {}, fast: {} },
    config: () => ({
      models: {
        chat: {
          targets: [{ provider: 'slow', model: 'sim-fast' }, { provider: 'fast', model: 'sim-fast' }],
          routing: { hedging: { enabled: true, afterMs: 60 } },
        },
      },
    }),
  });
}

describe('TTFT hedging', () => {
  it('a stream whose first token is late gets a hedge; the faster target answers and the other is cancelled', async () => {
    f = await hedged();
    f.sims.slow.setFaultPlan([{ fault: 'ttft-ms=1500' }]);
    f.resetSpans();
    const { text, error } = await readStream(await f.client.chat.completions.create({ model: 'chat', messages: MSG, stream: true }));
    expect(error).toBeUndefined();
    expect(text.length).toBeGreaterThan(0);
    const a = (await f.serverSpan()).attributes;
    expect(a[SLUICE.TARGET]).toBe('fast/sim-fast');
    expect(a[SLUICE.ATTEMPTS]).toBe(2);
    expect(a[SLUICE.SERVED_BY_BACKUP]).toBe(true);
    expect(a[SLUICE.FAILOVER_PATH]).toEqual(['slow/sim-fast', 'fast/sim-fast']);
    // The slow attempt is aborted upstream at once (the simulator sees its client leave).
    const stats = await eventually(() => f!.sims.slow.stats(), (s) => s.clientAborts === 1 && s.inFlight === 0);
    expect(stats.clientAborts).toBe(1);
    const spans = await eventually(() => f!.attemptSpans(), (s) => s.length === 2);
    const byTarget = Object.fromEntries(spans.map((s) => [s.attributes[SLUICE.TARGET], s.attributes]));
    expect(byTarget['slow/sim-fast'][SLUICE.ATTEMPT_OUTCOME]).toBe('cancelled');
    expect(byTarget['fast/sim-fast'][SLUICE.ATTEMPT_OUTCOME]).toBe('ok');
    expect(byTarget['fast/sim-fast'][SLUICE.ATTEMPT_HEDGE]).toBe(true);
  });

  it('a JSON answer that is late gets a hedge too', async () => {
    f = await hedged();
    f.sims.slow.setFaultPlan([{ fault: 'stall-ms=1500' }]);
    const res = await f.client.chat.completions.create({ model: 'chat', messages: MSG });
    expect(res.choices[0].message.content).toBeTruthy();
    expect(f.sims.fast.stats().total).toBe(1);
    await eventually(() => f!.sims.slow.stats(), (s) => s.clientAborts === 1);
    expect(f.sims.slow.stats().clientAborts).toBe(1);
  });

  it('no hedge when the first target answers in time', async () => {
    f = await hedged();
    for (let i = 0; i < 5; i++) await readStream(await f.client.chat.completions.create({ model: 'chat', messages: MSG, stream: true }));
    expect(f.sims.slow.stats().total).toBe(5);
    expect(f.sims.fast.stats().total).toBe(0);
  });
});
