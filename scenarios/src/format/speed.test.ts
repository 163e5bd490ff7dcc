import { describe, expect, it } from 'vitest';
import { parseScenario } from './load-file.js';
import { applySpeed, parseSpeed } from './speed.js';

const scenario = parseScenario({
  name: 'fast',
  agents: [{ name: 'a', steps: [{ llm: { model: 'm', prompt: 'p', simFault: 'stall-ms=1000' } }, { think: '2s' }, { loop: { times: 2, steps: [{ think: { uniform: { min: 100, max: 300 } } }] } }] }],
  load: { model: 'open', stages: [{ duration: '10s', ratePerSec: 4 }] },
  upstreams: {
    providers: [{ name: 'p', profile: 'sim-realistic', faults: [{ from: '30s', to: '60s', fault: 'status=503' }] }],
    mcp: [{ name: 'docs', tools: { search: { latencyMs: { minMs: 100, maxMs: 500 } } }, outages: [{ from: '5s', to: '10s' }] }],
  },
  expectations: [{ metric: 'ttft_ms', max: '800ms' }, { metric: 'error_rate', max: '1%' }],
});

describe('--speed', () => {
  it('parses factors', () => {
    expect(parseSpeed('5x')).toBe(5);
    expect(parseSpeed('0.5')).toBe(0.5);
    expect(parseSpeed('0x')).toBeUndefined();
    expect(parseSpeed('fast')).toBeUndefined();
  });

  it('compresses time and keeps the shape: windows, thinks, latencies, rates, latency thresholds', () => {
    const s = applySpeed(scenario, 5);
    const steps = s.agents[0].steps;
    expect(steps[0].llm?.simFault).toBe('stall-ms=200');
    expect(steps[1].think).toEqual({ fixed: 400 });
    expect(steps[2].loop?.steps[0].think).toEqual({ uniform: { min: 20, max: 60 } });
    expect(s.load).toMatchObject({ stages: [{ duration: 2000, ratePerSec: 20 }] });
    const p = s.upstreams.providers[0];
    expect(p.faults[0]).toMatchObject({ from: 6000, to: 12000 });
    expect(typeof p.profile === 'object' && 'lognormal' in p.profile.ttftMs ? p.profile.ttftMs.lognormal.median : undefined).toBe(70);
    expect(s.upstreams.mcp[0].tools.search.latencyMs).toEqual({ minMs: 20, maxMs: 100 });
    expect(s.upstreams.mcp[0].outages).toEqual([{ from: 1000, to: 2000 }]);
    expect(s.expectations).toEqual([expect.objectContaining({ metric: 'ttft_ms', max: 160 }), expect.objectContaining({ metric: 'error_rate', max: 0.01 })]);
  });

  it('1x is the identity', () => {
    expect(applySpeed(scenario, 1)).toBe(scenario);
  });
});
