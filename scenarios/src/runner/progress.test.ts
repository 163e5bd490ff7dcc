import { afterEach, describe, expect, it, vi } from 'vitest';
import { Metrics } from './metrics.js';
import { startProgress } from './progress.js';

afterEach(() => vi.useRealTimers());

function run(isTTY: boolean, advanceMs: number): string[] {
  vi.useFakeTimers();
  const lines: string[] = [];
  const m = new Metrics();
  let nowMs = 0;
  const p = startProgress({ isTTY, write: (t: string) => lines.push(t) }, m, () => nowMs, { expectedRuns: 4 });
  m.run({ runIndex: 0, runId: 'x-0', agent: 'a', traceId: 't', scheduledMs: 0, startMs: 0, endMs: 10, ok: true, calls: 1 });
  m.call({ kind: 'llm', step: 's', agent: 'a', runIndex: 0, runId: 'x-0', intendedStartMs: 0, startMs: 0, endMs: 10, ok: false, errorType: 'http_500', inputTokens: 0, outputTokens: 0 });
  nowMs = advanceMs;
  vi.advanceTimersByTime(advanceMs);
  p.stop();
  return lines;
}

describe('live progress', () => {
  it('redraws one line on a terminal: bar, runs and rate, errors, elapsed', () => {
    const lines = run(true, 1_000);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines[0]).toMatch(/^\r\[######------------------\]  25% · 1 runs \(\d+\.\d\/s\) · 1 calls · 1 errors · 00:01/);
    expect(lines.at(-1)).toMatch(/\n$/);
  });

  it('writes plain lines every few seconds elsewhere (CI logs)', () => {
    const lines = run(false, 10_000);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(lines[1]).toContain('00:10');
  });
});
