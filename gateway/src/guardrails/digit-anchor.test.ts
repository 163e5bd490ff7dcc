import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CARD_SPEC, IBAN_SPEC, IPV4_SPEC, PHONE_SPEC, SSN_SPEC } from './builtin-pii.js';
import { compileDigitAnchor } from './digit-anchor.js';
import { NATIONAL_ID_SPECS } from './national-ids.js';
import { type RegexPatternSpec, classSet, regexPattern } from './regex-pattern.js';

/**
 * Digits, separators and letters around them, and whole numbers each detector accepts
 * (at the edges of what it accepts: 13- and 19-digit cards, 9-digit phones, lead `+`, `(`,
 * `X-`, country letters), so random joins make matches, near-matches and long runs.
 */
const FRAGMENTS = [
  '0', '1', '2', '4', '5', '9', '12', '123', '1234', '4111', '5678', '0000', '2024',
  ' ', '  ', '-', '.', '(', ')', '/', '+', ':', ',', '\n', 'x', 'A', 'AB', 'DE', 'X', 'L', 'Z', 'é',
  '4111 1111 1111 1111', '4111-1111-1111-1111', '5555555555554444', '4222222222222', '4000000000000000006',
  '+44 20 7946 0958', '+1 (415) 555-2671', '+14155552671', '+123456789', '(415) 555-2671', '415.555.2671',
  '020 7946 0958', '01 23 45 67 89', '012 345 678', '030/12345678',
  '123-45-6789', '123 45 6789', 'DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432', 'NL91ABNA0417164300',
  '192.168.0.1', '10.0.0.1', '255.255.255.255', '2341 2341 2346', '234123412346', '2341-2341-2346',
  '12345678Z', '12345678-Z', 'X1234567L', 'X-1234567-L', 'Y1234567X',
];
/** Prose without digits: candidates are looked for only over long stretches (whole texts, not stream steps). */
const FILLER = 'The quarterly report covers revenue, costs and the outlook for next year in some detail; see the annex. '.repeat(3);
const textArb = fc
  .array(fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.constant(FILLER) }), { minLength: 20, maxLength: 60 })
  .map((a) => a.join(''));

/**
 * Whether `anchored` finds exactly what the plain regex finds: over long stretches (where
 * candidates are used), from anywhere in the first part of the text, and over any window.
 */
const agrees = (spec: RegexPatternSpec, runs: number): fc.RunDetails<[string, number, number, boolean, boolean]> => {
  const anchored = regexPattern(spec);
  const plain = regexPattern({ ...spec, digits: undefined });
  return fc.check(
    fc.property(textArb, fc.nat(), fc.nat(), fc.boolean(), fc.boolean(), (text, a, b, final, long) => {
      const from = long ? a % (Math.floor(text.length / 4) + 1) : a % (text.length + 1);
      const limit = long ? text.length - (b % (Math.floor((text.length - from) / 4) + 1)) : from + (b % (text.length - from + 1));
      expect(anchored.scan(text, from, limit, final)).toEqual(plain.scan(text, from, limit, final));
    }),
    { numRuns: runs },
  );
};

describe('digit anchors', () => {
  const specs = [PHONE_SPEC, CARD_SPEC, SSN_SPEC, IBAN_SPEC, IPV4_SPEC, ...Object.values(NATIONAL_ID_SPECS)].filter((s) => s.digits);

  it('cover the number detectors', () => {
    expect(specs.map((s) => s.detector)).toEqual(['phone', 'payment-card', 'us-ssn', 'iban', 'ipv4', 'es-dni', 'in-aadhaar']);
  });

  for (const spec of specs) {
    it(`property: ${spec.detector} finds exactly what its plain regex finds`, () => {
      const run = agrees(spec, 1500);
      expect(run.failed, run.counterexample ? JSON.stringify(run.counterexample) : '').toBe(false);
    });
  }

  it('the property catches an anchor that skips real matches', () => {
    // One digit too many for 13-digit cards; a lead that forgets `(`; a first run too short for 8-digit DNIs.
    const wrong: RegexPatternSpec[] = [
      { ...CARD_SPEC, digits: { ...CARD_SPEC.digits!, minDigits: 14 } },
      { ...PHONE_SPEC, digits: { ...PHONE_SPEC.digits!, lead: { chars: classSet('+'), min: 0, max: 1 } } },
      { ...NATIONAL_ID_SPECS.ES, digits: { ...NATIONAL_ID_SPECS.ES.digits!, firstRun: { min: 7, max: 7 } } },
    ];
    for (const spec of wrong) expect(agrees(spec, 3000).failed, spec.detector).toBe(true);
  });

  it('are refused when they cannot be checked per run', () => {
    expect(() => compileDigitAnchor({ minDigits: 2, lead: { chars: classSet('A-Z0-9'), min: 1, max: 2 } })).toThrow(/lead/);
    expect(() => compileDigitAnchor({ minDigits: 2, joiners: classSet('_'), maxGap: 1 })).toThrow(/joiners/);
    expect(() => compileDigitAnchor({ minDigits: 2, joiners: classSet(' '), maxGap: 3 })).toThrow(/maxGap/);
  });
});
