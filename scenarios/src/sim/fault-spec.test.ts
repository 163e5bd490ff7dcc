import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FaultSpecSchema, faultKinds, formatFaultSpec, parseFaultSpec, type FaultSpec } from './fault-spec.js';

const specArb: fc.Arbitrary<FaultSpec> = fc.record(
  {
    status: fc.integer({ min: 400, max: 599 }),
    retryAfterS: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.double({ min: 0, max: 60, noNaN: true, noDefaultInfinity: true })),
    refuse: fc.constant(true as const),
    stall: fc.constant(true as const),
    stallMs: fc.integer({ min: 0, max: 100_000 }),
    disconnectAfter: fc.nat(1000),
    malformedAfter: fc.nat(1000),
    missingUsage: fc.constant(true as const),
    ttftMs: fc.double({ min: 0, max: 10_000, noNaN: true, noDefaultInfinity: true }),
    tokenMs: fc.nat(500),
    outputTokens: fc.integer({ min: 1, max: 100_000 }),
    contextLengthExceeded: fc.constant(true as const),
  },
  { requiredKeys: [] },
);

describe('parseFaultSpec', () => {
  it('reads the documented examples', () => {
    expect(parseFaultSpec('status=429;retry-after=2')).toEqual({ ok: true, spec: { status: 429, retryAfterS: 2 } });
    expect(parseFaultSpec(' refuse ')).toEqual({ ok: true, spec: { refuse: true } });
    expect(parseFaultSpec('disconnect-after=5; missing-usage')).toEqual({
      ok: true,
      spec: { disconnectAfter: 5, missingUsage: true },
    });
    expect(parseFaultSpec('')).toEqual({ ok: true, spec: {} });
  });

  it('round-trips any valid spec through its header form', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        expect(FaultSpecSchema.safeParse(spec).success).toBe(true);
        expect(parseFaultSpec(formatFaultSpec(spec))).toEqual({ ok: true, spec });
      }),
    );
  });

  it.each([
    ['bogus', /unknown fault "bogus"/],
    ['status', /needs a number/],
    ['status=abc', /needs a number/],
    ['status=200', /status/],
    ['status=429;status=500', /given twice/],
    ['refuse=1', /takes no value/],
    ['disconnect-after=1.5', /disconnect-after/],
    ['output-tokens=0', /output-tokens/],
    ['stall-ms=-1', /stall-ms/],
  ])('refuses %s with a clear message', (text, message) => {
    const result = parseFaultSpec(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});

describe('faultKinds', () => {
  it('names each applied fault, with the status code, and skips retry-after', () => {
    expect(faultKinds({ status: 503, retryAfterS: 1, missingUsage: true })).toEqual(['status=503', 'missing-usage']);
  });
});
