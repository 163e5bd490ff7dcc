import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GuardrailsSectionSchema } from '../config/sections/guardrails.js';
import { compileGuardrails } from './compile-rules.js';
import { dictionaryPattern } from './dictionary.js';
import { LOCATIONS } from './locations.js';
import { createMasker } from './masker.js';

function mask(rules: unknown[], text: string): string {
  const section = GuardrailsSectionSchema.parse({ rules });
  const set = compileGuardrails(section, new WeakMap()).ruleSet('request', { route: '/' });
  const m = createMasker(set.entries, 'request', Infinity);
  return m.push(text).text + m.end().text;
}
const locations = { name: 'places', detect: { type: 'dictionary', entity: 'LOCATION', lists: ['locations'] } };

describe('dictionaries', () => {
  it('the LOCATION example', () => {
    expect(mask([locations], 'Italy is a great place to visit')).toBe('[LOCATION] is a great place to visit');
  });

  it('the XXXXX example: a fixed replacement', () => {
    const rule = { name: 'pii', detect: { type: 'builtin', entities: ['EMAIL', 'PHONE'] }, replacement: 'XXXXX' };
    expect(mask([rule], 'Reach me at jane@example.com or +44 20 7946 0958.')).toBe('Reach me at XXXXX or XXXXX.');
  });

  it('matches case- and Unicode-insensitively on whole words', () => {
    expect(mask([locations], 'ITALY, italy, Ｉｔａｌｙ and Italy!')).toBe('[LOCATION], [LOCATION], [LOCATION] and [LOCATION]!');
    // Decomposed accents match composed entries, and the original characters are replaced whole.
    expect(mask([locations], 'Flights to Sa\u0303o Paulo and Zu\u0308rich')).toBe('Flights to [LOCATION] and [LOCATION]');
    expect(mask([locations], 'Italyx, Italians, Parisian, Romeo')).toBe('Italyx, Italians, Parisian, Romeo');
  });

  it('prefers the longest phrase and tolerates joiners', () => {
    expect(mask([locations], 'From New York City to Rio  de Janeiro via Saint-Étienne? no: via Côte d’Ivoire.')).toBe(
      'From [LOCATION] to [LOCATION] via Saint-Étienne? no: via [LOCATION].',
    );
  });

  it('leaves identifiers and demonyms alone', () => {
    const text = 'See www.bbc.co.uk or mail paris@corp.example, path /srv/italy, answer in French';
    expect(mask([locations], text)).toBe(text);
  });

  it('operator lists: code names and customers with their own labels', () => {
    const rules = [
      { name: 'codenames', detect: { type: 'dictionary', entity: 'CODENAME', phrases: ['Project Nightingale', 'Bluebird'] } },
      { name: 'customers', detect: { type: 'dictionary', entity: 'CUSTOMER', phrases: ['Acme Corp', 'Globex'] } },
    ];
    expect(mask(rules, 'project  nightingale ships to ACME corp; BLUEBIRD waits for Globex.')).toBe(
      '[CODENAME] ships to [CUSTOMER]; [CODENAME] waits for [CUSTOMER].',
    );
  });

  it('overlapping detections merge into one mask', () => {
    const rules = [
      { name: 'a', detect: { type: 'dictionary', entity: 'CUSTOMER', phrases: ['Acme Paris Office'] } },
      locations,
    ];
    expect(mask(rules, 'Visit Acme Paris Office today')).toBe('Visit [CUSTOMER] today');
  });

  it('tells apart words whose hashes collide', () => {
    // `ac0` and `aan` fold to the same word hash (2·31 = 62 = 'n' − '0'): only the phrase matches.
    const p = dictionaryPattern({ entity: 'X', phrases: ['aan', 'aan ac0 b'] });
    expect(p.scan('ac0 aan ac0 aan ac0 b', 0, 21, true)).toEqual([
      { start: 4, end: 7 },
      { start: 12, end: 21 },
    ]);
    // `aan aan` folds like `aan ac0`, the start of the longer phrase: it does not continue it.
    expect(p.scan('aan aan b', 0, 9, true)).toEqual([
      { start: 0, end: 3 },
      { start: 4, end: 7 },
    ]);
  });

  it('property: ASCII text scans the same on the fast path as through full normalisation', () => {
    // A non-ASCII word after a space sends the window through NFKC + case folding; it is
    // no location and cannot join a phrase, so every match must stay the same.
    const p = dictionaryPattern({ entity: 'LOCATION', phrases: [...LOCATIONS, 'Acme Paris Office', 'the great place'] });
    const words = ['Italy', 'ITALY', 'italy', 'The', 'the', 'Hague', 'New', 'York', 'City', 'Rio', 'de', 'Janeiro', 'Saint', 'Vincent', 'and',
      'Grenadines', 'Acme', 'Paris', 'Office', 'great', 'place', 'Maria', 'Rome', 'x', '42', 'bbc', 'co', 'uk'];
    const seps = [' ', '  ', '   ', '    ', '-', "'", '.', ', ', '@', '/', '_', ':', '#', '\\', '\n', '\t', '', '. '];
    const textArb = fc.array(fc.tuple(fc.constantFrom(...words), fc.constantFrom(...seps)), { maxLength: 30 }).map((a) => a.map(([w, s]) => w + s).join(''));
    fc.assert(
      fc.property(textArb, fc.nat(), (text, f) => {
        const from = f % (text.length + 1);
        const wide = `${text} \u00e9`;
        expect(p.scan(text, from, text.length, true)).toEqual(p.scan(wide, from, text.length, true));
      }),
      { numRuns: 1500 },
    );
  });
});
