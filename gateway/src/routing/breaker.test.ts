import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BreakerConfig, type BreakerState, CLOSED_BREAKER, admit, ejectionMs, onAbandoned, onFailure, onSuccess } from './breaker.js';

const cfg: BreakerConfig = {
  enabled: true,
  consecutiveFailures: 3,
  errorRatePercent: 50,
  windowMs: 10_000,
  minRequests: 10,
  baseEjectionMs: 1_000,
  maxEjectionMs: 8_000,
  halfOpenProbes: 1,
};

const failTimes = (s: BreakerState, n: number, atMs: number) => {
  for (let i = 0; i < n; i++) s = onFailure(s, cfg, atMs, false);
  return s;
};

describe('circuit breaker', () => {
  it('opens after N consecutive failures; a success in between resets the count', () => {
    let s = failTimes(CLOSED_BREAKER, 2, 0);
    s = onSuccess(s, cfg, 1, false);
    s = failTimes(s, 2, 2);
    expect(s.phase).toBe('closed');
    s = onFailure(s, cfg, 3, false);
    expect(s.phase).toBe('open');
    expect(s.openUntilMs).toBe(3 + 1_000);
  });

  it('opens on an error rate over the window once enough calls were seen', () => {
    let s = CLOSED_BREAKER;
    // Alternate fail/ok: never 3 in a row, but 50 % of 10 calls.
    for (let i = 0; i < 10; i++) s = i % 2 === 0 ? onFailure(s, cfg, i * 100, false) : onSuccess(s, cfg, i * 100, false);
    expect(s.phase).toBe('closed'); // the 10th call was a success: rate checked on failures only
    s = onFailure(s, cfg, 1_100, false);
    expect(s.phase).toBe('open');
  });

  it('forgets failures older than the window', () => {
    let s = CLOSED_BREAKER;
    for (let i = 0; i < 9; i++) s = i % 2 === 0 ? onFailure(s, cfg, 0, false) : onSuccess(s, cfg, 0, false);
    s = onSuccess(s, cfg, 20_000, false);
    s = onFailure(s, cfg, 20_001, false);
    expect(s.phase).toBe('closed');
  });

  it('refuses while open, then lets one probe through half-open', () => {
    const open = failTimes(CLOSED_BREAKER, 3, 0);
    const early = admit(open, cfg, 999);
    expect(early.admit).toBe('no');
    expect(early.admit === 'no' && early.retryAtMs).toBe(1_000);
    const probe = admit(open, cfg, 1_000);
    expect(probe.admit).toBe('probe');
    expect(probe.state.phase).toBe('half-open');
    expect(admit(probe.state, cfg, 1_001).admit).toBe('no');
  });

  it('closes when the probe succeeds, re-opens for twice as long when it fails', () => {
    const open = failTimes(CLOSED_BREAKER, 3, 0);
    const probing = admit(open, cfg, 1_000).state;
    expect(onSuccess(probing, cfg, 1_010, true).phase).toBe('closed');
    const reopened = onFailure(probing, cfg, 1_010, true);
    expect(reopened.phase).toBe('open');
    expect(reopened.openUntilMs).toBe(1_010 + 2_000);
    expect(reopened.ejections).toBe(2);
  });

  it('frees the probe slot of an abandoned probe', () => {
    const probing = admit(failTimes(CLOSED_BREAKER, 3, 0), cfg, 1_000).state;
    expect(admit(onAbandoned(probing, true), cfg, 1_001).admit).toBe('probe');
  });

  it('forgives past ejections after staying closed for maxEjectionMs', () => {
    const probing = admit(failTimes(CLOSED_BREAKER, 3, 0), cfg, 1_000).state;
    let s = onSuccess(probing, cfg, 1_000, true);
    expect(s.ejections).toBe(1);
    s = onSuccess(s, cfg, 1_000 + cfg.maxEjectionMs, false);
    expect(s.ejections).toBe(0);
  });

  it('never opens when disabled', () => {
    const s = failTimes(CLOSED_BREAKER, 50, 0);
    expect(admit(s, { ...cfg, enabled: false }, 0).admit).toBe('yes');
  });

  it('ejection time grows and is capped', () => {
    expect([1, 2, 3, 4, 5, 60].map((n) => ejectionMs(n, cfg))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('never admits a request while open before its time; probes never exceed the limit', () => {
    const event = fc.oneof(
      fc.record({ kind: fc.constant('admit' as const), dt: fc.nat(3_000) }),
      fc.record({ kind: fc.constant('ok' as const), dt: fc.nat(3_000) }),
      fc.record({ kind: fc.constant('fail' as const), dt: fc.nat(3_000) }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 80 }), (events) => {
        let s = CLOSED_BREAKER;
        let t = 0;
        const probes: boolean[] = [];
        for (const e of events) {
          t += e.dt;
          if (e.kind === 'admit') {
            const before = s;
            const a = admit(s, cfg, t);
            if (before.phase === 'open' && t < before.openUntilMs) expect(a.admit).toBe('no');
            s = a.state;
            if (a.admit !== 'no') probes.push(a.admit === 'probe');
          } else {
            const wasProbe = probes.shift() ?? false;
            s = e.kind === 'ok' ? onSuccess(s, cfg, t, wasProbe) : onFailure(s, cfg, t, wasProbe);
          }
          expect(s.probesInFlight).toBeLessThanOrEqual(cfg.halfOpenProbes);
          if (s.phase === 'open') expect(s.openUntilMs - t).toBeLessThanOrEqual(cfg.maxEjectionMs);
        }
      }),
    );
  });
});
