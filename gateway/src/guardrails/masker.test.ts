import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GuardrailsSectionSchema } from '../config/sections/guardrails.js';
import { compileGuardrails } from './compile-rules.js';
import { createMasker, type MaskEntry } from './masker.js';

const ALL_RULES = [
  { name: 'pii', detect: { type: 'builtin', entities: ['EMAIL', 'PHONE', 'CREDIT_CARD', 'US_SSN', 'IBAN', 'IP_ADDRESS', 'SECRET'] } },
  { name: 'ids', detect: { type: 'national-id', countries: ['GB', 'ES', 'IT', 'IN'] } },
  { name: 'places', detect: { type: 'dictionary', entity: 'LOCATION', lists: ['locations'] } },
  { name: 'codes', detect: { type: 'regex', entity: 'CODE', pattern: '\\bPRJ-[0-9]{2,6}\\b' }, replacement: 'XXXXX' },
  { name: 'watch', action: 'log', detect: { type: 'dictionary', entity: 'WATCH', phrases: ['great place'] } },
];

function entries(rules: unknown[] = ALL_RULES, maxHoldBackChars = 128): MaskEntry[] {
  const section = GuardrailsSectionSchema.parse({ rules, stream: { maxHoldBackChars } });
  return compileGuardrails(section, new WeakMap()).ruleSet('response', { route: '/' }).entries;
}

function run(es: MaskEntry[], parts: readonly string[], cap = 128): { text: string; hits: number; maxHeld: number } {
  const m = createMasker(es, 'response', cap);
  let text = '';
  let hits = 0;
  let maxHeld = 0;
  for (const p of parts) {
    const step = m.push(p);
    text += step.text;
    hits += step.hits.reduce((n, h) => n + h.count, 0);
    maxHeld = Math.max(maxHeld, m.heldChars);
  }
  const last = m.end();
  return { text: text + last.text, hits: hits + last.hits.reduce((n, h) => n + h.count, 0), maxHeld };
}

/** Cuts `text` at the given positions. */
const split = (text: string, cuts: readonly number[]): string[] => {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let prev = 0;
  for (const c of at) {
    parts.push(text.slice(prev, c));
    prev = c;
  }
  parts.push(text.slice(prev));
  return parts;
};

/** Pieces that make matches, near-matches and the characters around them. */
const FRAGMENTS = [
  'bob@example.com', 'bob@example', ' ', '.', ', ', '\n', 'Italy', 'ITALY', 'Ｉｔａｌｙ', 'New', ' York', 'Rio de', ' Janeiro',
  'great place', '+44 20 7946 0958', '+1 555', '4111 1111 1111 1111', '4111 1111 1111 1112', '123-45-6789',
  'DE89 3704 0044 0532 0130 00', '192.168.0.1', '2001:db8::1', 'AKIAIOSFODNN7EXAMPLE', 'sk-proj-abcdefghijklmnopqrstuvwxyz',
  'abc', 'x', '0', '9', '-', ':', '@', 'é', 'e\u0301', '😀', 'PRJ-1234', 'PRJ-', 'Bearer ', 'abcdefghijklmnopqrstu',
  '-----BEGIN RSA PRIVATE KEY-----', 'MIIEabc', '-----END RSA PRIVATE KEY-----', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  'AB 12 34 56 C', '12345678Z',
];
const textArb = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((a) => a.join(''));

describe('stream masker', () => {
  const es = entries();

  it('property: any split of a text masks exactly like the unsplit text', () => {
    fc.assert(
      fc.property(textArb, fc.array(fc.nat(), { maxLength: 25 }), (text, cuts) => {
        const whole = run(es, [text], Infinity);
        const pieces = run(es, split(text, cuts));
        expect(pieces.text).toBe(whole.text);
        expect(pieces.hits).toBe(whole.hits);
      }),
      { numRuns: 1500 },
    );
  });

  it('property: one character at a time still agrees, and hold-back stays within the cap', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const chars = run(es, [...text]);
        expect(chars.text).toBe(run(es, [text], Infinity).text);
        expect(chars.maxHeld).toBeLessThanOrEqual(128);
      }),
      { numRuns: 300 },
    );
  });

  it('masks an email split across two chunks', () => {
    expect(run(es, ['Write to jane.d', 'oe@example.com today']).text).toBe('Write to [EMAIL] today');
  });

  it('emits prose as soon as it is safe (holds back only what could still match)', () => {
    const m = createMasker(es, 'response', 128);
    const first = m.push('The weather is lovely today and the meeting went well. ');
    expect(first.text.length).toBeGreaterThan(40);
    expect(m.heldChars).toBeLessThan(16);
  });

  it('masks a private key block of any length without holding it back', () => {
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${'QUJD'.repeat(800)}\n-----END RSA PRIVATE KEY-----`;
    const parts = split(`key: ${key} done`, Array.from({ length: 200 }, (_, i) => i * 17));
    const m = createMasker(es, 'response', 128);
    let out = '';
    let maxHeld = 0;
    for (const p of parts) {
      out += m.push(p).text;
      maxHeld = Math.max(maxHeld, m.heldChars);
    }
    out += m.end().text;
    expect(out).toBe('key: [SECRET] done');
    // The label goes out as soon as the header is seen; the body is swallowed, not buffered.
    expect(maxHeld).toBeLessThanOrEqual(128);
  });

  it('reject rules stop the stream and emit nothing after', () => {
    const rej = entries([{ name: 'no-secrets', action: 'reject', message: 'Rejected due to inappropriate content', detect: { type: 'builtin', entities: ['SECRET'] } }]);
    const m = createMasker(rej, 'response', 128);
    expect(m.push('Your key is ').rejected).toBeUndefined();
    const step = m.push('AKIAIOSFODNN7EXAMPLE and more');
    expect(step.rejected).toEqual({ rule: 'no-secrets', message: 'Rejected due to inappropriate content' });
    expect(step.text).not.toContain('AKIA');
    expect(m.push('more text').text).toBe('');
  });

  it('log rules record without changing the text or holding it back', () => {
    const shadow = entries([{ name: 'watch', action: 'log', detect: { type: 'builtin', entities: ['EMAIL'] } }]);
    const m = createMasker(shadow, 'response', 128);
    const step = m.push('mail bob@example.com now');
    expect(step.text).toBe('mail bob@example.com now');
    const end = m.end();
    expect([...step.hits, ...end.hits]).toEqual([{ rule: 'watch', entity: 'EMAIL', detector: 'email', direction: 'response', action: 'log', count: 1 }]);
  });
});
