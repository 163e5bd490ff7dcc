import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GuardrailsSectionSchema } from '../config/sections/guardrails.js';
import { compileGuardrails } from './compile-rules.js';
import { maskText } from './mask-text.js';
import { type MaskEntry, createMasker } from './masker.js';

const PII = { name: 'pii', detect: { type: 'builtin', entities: ['EMAIL', 'PHONE', 'CREDIT_CARD', 'US_SSN', 'IBAN', 'IP_ADDRESS', 'SECRET'] } };
const IDS = { name: 'ids', detect: { type: 'national-id', countries: ['GB', 'ES', 'IT', 'IN'] } };
const PLACES = { name: 'places', detect: { type: 'dictionary', entity: 'LOCATION', lists: ['locations'] } };
const OVERLAP = { name: 'customers', detect: { type: 'dictionary', entity: 'CUSTOMER', phrases: ['Acme Paris Office', 'Rome 4111'] }, replacement: 'XXXXX' };
const CODES = { name: 'codes', detect: { type: 'regex', entity: 'CODE', pattern: '\\bPRJ-[0-9]{2,6}\\b' } };
const WATCH = { name: 'watch', action: 'log', detect: { type: 'dictionary', entity: 'WATCH', phrases: ['great place'] } };
const NO_KEYS = { name: 'no-keys', action: 'reject', message: 'no keys', detect: { type: 'builtin', entities: ['SECRET'] } };

function entries(rules: unknown[], shadow = false): MaskEntry[] {
  const section = GuardrailsSectionSchema.parse({ rules, shadow });
  return compileGuardrails(section, new WeakMap()).ruleSet('request', { route: '/' }).entries;
}

/** Pieces that make matches, overlaps, near-matches and the characters around them. */
const FRAGMENTS = [
  'bob@example.com', 'bob@example', ' ', '.', ', ', '\n', 'Italy', 'ITALY', 'Ｉｔａｌｙ', 'New', ' York', 'Rio de', ' Janeiro', 'The Hague',
  'Acme Paris Office', 'Rome 4111 1111 1111 1111', 'great place', '+44 20 7946 0958', '+39 06 1234 5678', '4111 1111 1111 1111',
  '4111 1111 1111 1112', '123-45-6789', 'DE89 3704 0044 0532 0130 00', '192.168.0.1', '2001:db8::1', 'AKIAIOSFODNN7EXAMPLE',
  'sk-proj-abcdefghijklmnopqrstuvwxyz', 'Bearer abcdefghijklmnopqrstu', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', 'PRJ-1234',
  '-----BEGIN RSA PRIVATE KEY-----', 'MIIE', '-----END RSA PRIVATE KEY-----', 'AB 12 34 56 C', '12345678Z', 'é', 'e\u0301', '@', ':', '-', '0',
];
const textArb = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((a) => a.join(''));

describe('maskText (whole texts)', () => {
  const sets = {
    'mask rules': entries([PII, IDS, PLACES, OVERLAP, CODES, WATCH]),
    'with a reject rule': entries([PLACES, WATCH, NO_KEYS, PII]),
    'shadow mode': entries([PII, PLACES, NO_KEYS], true),
  };

  for (const [name, es] of Object.entries(sets)) {
    it(`property (${name}): exactly what a fresh stream masker returns for the whole text`, () => {
      fc.assert(
        fc.property(textArb, (text) => {
          expect(maskText(es, 'request', text)).toEqual(createMasker(es, 'request', Infinity).end(text));
        }),
        { numRuns: 800 },
      );
    });
  }

  it('merges overlapping detections into the earliest (then first-listed) one', () => {
    const es = sets['mask rules'];
    // `Rome` (places), `Rome 4111` (customers) and the card overlap: places is listed first.
    expect(maskText(es, 'request', 'Visit Rome 4111 1111 1111 1111 today').text).toBe('Visit [LOCATION] today');
    expect(maskText(es, 'request', 'Visit Acme Paris Office today').text).toBe('Visit XXXXX today');
  });
});
