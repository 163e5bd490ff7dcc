import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanStore } from '../../collector/src/index.js';
import { runScenario, type ScenarioRunResult } from '../src/runner/run-scenario.js';
import { storedLlmCalls, type StoredLlmCall } from '../src/runner/store-view.js';
import { scenario, tempDir } from './helpers.js';

// An outage window on the primary provider from t=1s to t=2s of a 3 s load: without a
// backup, calls fail in that window only; with one, the backup serves that window only.
// Breakers and retries are off so each call's fate depends on when it reached the primary.
const dir = tempDir('outage');
const WINDOW = { fromMs: 1000, toMs: 2000 };
// A call's send time and its arrival at the simulator differ by the gateway's own latency
// (more on a busy machine): boundaries get this much room either way.
const SLACK_MS = 250;

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

const inside = (ms: number) => ms >= WINDOW.fromMs + SLACK_MS && ms < WINDOW.toMs - SLACK_MS;
const outside = (ms: number) => ms < WINDOW.fromMs - SLACK_MS || ms >= WINDOW.toMs + SLACK_MS;

let plain: ScenarioRunResult;
let failover: ScenarioRunResult;
let failoverRows: StoredLlmCall[] = [];

beforeAll(async () => {
  plain = await runScenario(drill(false), { dataDir: dir });
  failover = await runScenario(drill(true), {
    dataDir: dir,
    onStore: async (store: SpanStore, execution: string) => {
      failoverRows = await storedLlmCalls(store, 'outage-failover', execution);
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
    for (const c of failed) {
      expect(c.errorType).toMatch(/^http_50[23]/);
      expect(outside(c.startMs), `failed call sent at ${c.startMs.toFixed(0)} ms`).toBe(false);
    }
    for (const c of calls.filter((x) => inside(x.startMs))) expect(c.ok, `call sent at ${c.startMs.toFixed(0)} ms`).toBe(false);
    for (const c of calls.filter((x) => outside(x.startMs))) expect(c.ok, `call sent at ${c.startMs.toFixed(0)} ms`).toBe(true);
    // The timeline shows it too: errors only in second 1.
    expect(plain.report.timeline.filter((b) => b.errors > 0).map((b) => b.second)).toEqual(expect.arrayContaining([1]));
    expect(plain.report.timeline.find((b) => b.second === 0)?.errors).toBe(0);
  });

  it('with a backup: callers see no error, and the backup served the window only', () => {
    expect(failover.report.totals.errors).toBe(0);
    const sentAt = new Map(failover.calls.map((c) => [c.requestId, c.startMs]));
    expect(failoverRows.length).toBe(failover.calls.length);
    const backup = failoverRows.filter((r) => r.servedByBackup);
    expect(backup.length).toBeGreaterThan(10);
    expect(failover.report.gatewayView?.servedByBackup).toBe(backup.length);
    for (const row of failoverRows) {
      const at = sentAt.get(row.requestId);
      expect(at).toBeDefined();
      if (inside(at ?? 0)) expect(row.servedByBackup, `call sent at ${at?.toFixed(0)} ms`).toBe(true);
      if (outside(at ?? 0)) expect(row.servedByBackup, `call sent at ${at?.toFixed(0)} ms`).toBe(false);
    }
  });
});
