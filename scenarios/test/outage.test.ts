import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanStore } from '../../collector/src/index.js';
import type { SimHandle } from '../src/sim/index.js';
import { runScenario, type ScenarioRunResult } from '../src/runner/run-scenario.js';
import { storedLlmCalls, type StoredLlmCall } from '../src/runner/store-view.js';
import { scenario, tempDir } from './helpers.js';

// An outage window on the primary provider from t=1s to t=2s of a 3 s load: without a
// backup, calls fail in that window only; with one, the backup serves that window only.
// Breakers and retries are off so each call's fate depends on when it reached the primary.
const dir = tempDir('outage');
const WINDOW = { fromMs: 1000, toMs: 2000 };

const drill = (withBackup: boolean) =>
  scenario({
    name: withBackup ? 'outage-failover' : 'outage-plain',
    agents: [{ name: 'a', steps: [{ llm: { name: 'answer', model: 'chat', prompt: 'status?', outputTokens: 5 } }] }],
    load: { model: 'open', arrival: 'constant', stages: [{ duration: '3s', ratePerSec: 25 }], seed: 2 },
    upstreams: {
      providers: [{ name: 'primary', faults: [{ from: `${WINDOW.fromMs}ms`, to: `${WINDOW.toMs}ms`, fault: 'status=503' }] }, { name: 'backup' }],
    },
    gateway: {
      config: {
        models: { chat: { targets: [{ provider: 'primary', model: 'chat' }, ...(withBackup ? [{ provider: 'backup', model: 'chat' }] : [])] } },
        routing: { breaker: { enabled: false }, retry: { maxAttempts: withBackup ? 2 : 1 } },
      },
    },
  });

/** When each request reached the primary, in its fault plan's clock (ms since the load began), by gateway request id. */
type Arrivals = Map<string, number>;

async function primaryArrivals(providers: ReadonlyMap<string, SimHandle>): Promise<Arrivals> {
  const out: Arrivals = new Map();
  for (const r of providers.get('primary')?.recentRequests(10_000) ?? []) {
    const id = r.headers['x-request-id'];
    if (typeof id === 'string' && r.planMs !== undefined) out.set(id, r.planMs);
  }
  return out;
}

// Judged by when each call reached the primary, not when the runner sent it: on a busy
// machine (the whole suite on two cores) a call can wait hundreds of milliseconds in the
// event loop between the two.
const inWindow = (ms: number) => ms >= WINDOW.fromMs && ms < WINDOW.toMs;

let plain: ScenarioRunResult;
let plainArrivals: Arrivals = new Map();
let failover: ScenarioRunResult;
let failoverArrivals: Arrivals = new Map();
let failoverRows: StoredLlmCall[] = [];

beforeAll(async () => {
  plain = await runScenario(drill(false), {
    dataDir: dir,
    recordUpstreamRequests: 10_000,
    onUpstreams: async (providers) => {
      plainArrivals = await primaryArrivals(providers);
    },
  });
  failover = await runScenario(drill(true), {
    dataDir: dir,
    recordUpstreamRequests: 10_000,
    onStore: async (store: SpanStore, execution: string) => {
      failoverRows = await storedLlmCalls(store, 'outage-failover', execution);
    },
    onUpstreams: async (providers) => {
      failoverArrivals = await primaryArrivals(providers);
    },
  });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an outage window', () => {
  it('without a backup: calls fail inside the window and only there', () => {
    const calls = plain.calls;
    expect(calls.length).toBeGreaterThanOrEqual(70);
    const failed = calls.filter((c) => !c.ok);
    expect(failed.length).toBeGreaterThan(10);
    for (const c of failed) expect(c.errorType).toMatch(/^http_50[23]/);
    for (const c of calls) {
      const at = plainArrivals.get(c.requestId ?? '');
      expect(at, `call ${c.requestId} reached the primary`).toBeDefined();
      expect(c.ok, `call that reached the primary at ${at?.toFixed(0)} ms`).toBe(!inWindow(at ?? -1));
    }
    // The timeline shows them too: errors in second 1, as many as failed.
    expect(plain.report.timeline.filter((b) => b.errors > 0).map((b) => b.second)).toEqual(expect.arrayContaining([1]));
    expect(plain.report.timeline.reduce((n, b) => n + b.errors, 0)).toBe(failed.length);
  });

  it('with a backup: callers see no error, and the backup served the window only', () => {
    expect(failover.report.totals.errors).toBe(0);
    expect(failoverRows.length).toBe(failover.calls.length);
    const backup = failoverRows.filter((r) => r.servedByBackup);
    expect(backup.length).toBeGreaterThan(10);
    expect(failover.report.gatewayView?.servedByBackup).toBe(backup.length);
    for (const row of failoverRows) {
      const at = failoverArrivals.get(row.requestId);
      expect(at, `call ${row.requestId} reached the primary`).toBeDefined();
      expect(row.servedByBackup, `call that reached the primary at ${at?.toFixed(0)} ms`).toBe(inWindow(at ?? -1));
    }
  });
});
