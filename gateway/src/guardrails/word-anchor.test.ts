import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NATIONAL_ID_SPECS } from './national-ids.js';
import { classSet, regexPattern } from './regex-pattern.js';
import { compileWordAnchor } from './word-anchor.js';

/** Codici fiscali (omocodia and lower case included), their pieces and what glues to them. */
const FRAGMENTS = [
  'RSSMRA85T10A562S', 'RSSMRA85T10A56NH', 'BNCLRA90A41H501F', 'VRDGPP7LM01F2PQF', 'rssmra85t10a562s', 'RSSMRA85T10A562T',
  'RSSMRA', '85T10', 'A562S', 'X', 'a', '0', '9', ' ', '-', '.', '_', '/', '\n', 'é', 'ß', 'ſ', 'ı', '\u212a', 'Codice fiscale: ',
];
/** Prose around them: candidates are looked for only over long stretches (whole texts, not stream steps). */
const FILLER = 'The quarterly report covers revenue, costs and the outlook for next year in some detail; see the annex. '.repeat(3);
const textArb = fc
  .array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.constant(FILLER) }), { minLength: 10, maxLength: 30 })
  .map((a) => a.join(''));

describe('word anchors', () => {
  const spec = NATIONAL_ID_SPECS.IT;

  it('property: the codice fiscale finds exactly what its plain regex finds', () => {
    const anchored = regexPattern(spec);
    const plain = regexPattern({ ...spec, word: undefined });
    fc.assert(
      fc.property(textArb, fc.nat(), fc.nat(), fc.boolean(), fc.boolean(), (text, a, b, final, long) => {
        // Long stretches from anywhere in the first part of the text, or any window.
        const from = long ? a % (Math.floor(text.length / 4) + 1) : a % (text.length + 1);
        const limit = long ? text.length - (b % (Math.floor((text.length - from) / 4) + 1)) : from + (b % (text.length - from + 1));
        expect(anchored.scan(text, from, limit, final)).toEqual(plain.scan(text, from, limit, final));
      }),
      { numRuns: 1500 },
    );
  });

  it('the property catches an anchor that skips real matches', () => {
    const wrong = regexPattern({ ...spec, word: { chars: classSet('A-Za-z0-9'), min: 17, max: 17 } });
    const plain = regexPattern({ ...spec, word: undefined });
    const run = fc.check(fc.property(textArb, (text) => expect(wrong.scan(text, 0, text.length, true)).toEqual(plain.scan(text, 0, text.length, true))), { numRuns: 1500 });
    expect(run.failed).toBe(true);
  });

  it('need ASCII characters', () => {
    expect(() => compileWordAnchor({ chars: classSet('\\w\u00e9'), min: 1, max: 2 })).toThrow(/ASCII/);
  });
});
