import { afterEach, describe, expect, it } from 'vitest';
import { SLUICE } from '../../../../collector/src/model/semconv.js';
import type { Stage } from '../../pipeline/stage.js';
import { MSG, type RoutingFixture, startRoutingFixture } from './routing-fixture.js';

let f: RoutingFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

/** Test identity: team from a header (the real identify stage is tested in identity/). */
const identify: Stage = async (ctx, next) => {
  const team = ctx.headers['x-test-team'];
  ctx.identity = { method: 'anonymous', agent: 'tester', team: typeof team === 'string' ? team : undefined };
  return next();
};
const authorize: Stage = (_ctx, next) => next();
/** Stands in for the guardrails stage: flags requests that mention an SSN. */
const guardRequest: Stage = async (ctx, next) => {
  if (JSON.stringify(ctx.body.messages).includes('SSN')) ctx.attrs[SLUICE.GUARDRAIL_HITS] = 1;
  return next();
};

function start() {
  return startRoutingFixture({
    sims: { hosted: {}, big: {}, local: {} },
    features: { stages: { identify, authorize, guardRequest } },
    config: () => ({
      models: {
        assistant: {
          strategy: 'priority',
          targets: [
            { provider: 'hosted', model: 'sim-fast', tags: ['hosted'] },
            { provider: 'big', model: 'sim-fast', tags: ['hosted', 'large'] },
            { provider: 'local', model: 'sim-fast', tags: ['self-hosted'] },
          ],
          rules: [
            { name: 'sensitive-stays-home', when: { sensitive: true }, use: { tags: ['self-hosted'] } },
            { name: 'complex', when: { header: { 'x-sluice-complexity': 'high' } }, use: { tags: ['large'] }, failover: 'group' },
            { name: 'research', when: { team: 'research' }, use: { targets: ['big/sim-fast'] } },
            { name: 'tools', when: { tools: true }, use: { targets: ['local/sim-fast'] } },
          ],
        },
      },
    }),
  });
}

const served = async (fx: RoutingFixture) => (await fx.serverSpan()).attributes;

describe('routing rules on request attributes, end to end', () => {
  it('routes by a complexity header, by team, by tools; otherwise the group order', async () => {
    f = await start();
    f.resetSpans();
    await f.client.chat.completions.create({ model: 'assistant', messages: MSG }, { headers: { 'x-sluice-complexity': 'high' } });
    let a = await served(f);
    expect([a[SLUICE.TARGET], a[SLUICE.ROUTING_RULE]]).toEqual(['big/sim-fast', 'complex']);
    f.resetSpans();
    await f.client.chat.completions.create({ model: 'assistant', messages: MSG }, { headers: { 'x-test-team': 'research' } });
    a = await served(f);
    expect([a[SLUICE.TARGET], a[SLUICE.ROUTING_RULE]]).toEqual(['big/sim-fast', 'research']);
    f.resetSpans();
    await f.client.chat.completions.create({ model: 'assistant', messages: MSG, tools: [{ type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }] });
    expect((await served(f))[SLUICE.TARGET]).toBe('local/sim-fast');
    f.resetSpans();
    await f.client.chat.completions.create({ model: 'assistant', messages: MSG });
    a = await served(f);
    expect(a[SLUICE.TARGET]).toBe('hosted/sim-fast');
    expect(a[SLUICE.ROUTING_RULE]).toBeUndefined();
  });

  it('sends requests with sensitive data to the self-hosted model, and never elsewhere, even when it fails', async () => {
    f = await start();
    const secret = [{ role: 'user' as const, content: 'my SSN is 078-05-1120' }];
    await f.client.chat.completions.create({ model: 'assistant', messages: secret });
    expect(f.sims.local.stats().total).toBe(1);
    f.sims.local.setFaultPlan([{ fault: 'status=503' }]);
    const err = await f.client.chat.completions.create({ model: 'assistant', messages: secret }).catch((e: unknown) => e as { status: number });
    expect(err).toMatchObject({ status: 502 });
    expect(f.sims.hosted.stats().total + f.sims.big.stats().total).toBe(0);
  });

  it('a rule with failover: group falls back to the rest of the group', async () => {
    f = await start();
    f.sims.big.setFaultPlan([{ fault: 'status=500' }]);
    f.resetSpans();
    await f.client.chat.completions.create({ model: 'assistant', messages: MSG }, { headers: { 'x-sluice-complexity': 'high' } });
    const a = await served(f);
    expect(a[SLUICE.FAILOVER_PATH]).toEqual(['big/sim-fast', 'hosted/sim-fast']);
    expect(a[SLUICE.SERVED_BY_BACKUP]).toBe(true);
  });
});
