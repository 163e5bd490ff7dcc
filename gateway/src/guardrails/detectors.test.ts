import { describe, expect, it } from 'vitest';
import { GuardrailsSectionSchema } from '../config/sections/guardrails.js';
import { aadhaarValid, cardValid, codiceFiscaleValid, dniValid, ibanValid, luhnValid, ninoValid, ssnValid, verhoeffValid } from './checksums.js';
import { compileGuardrails } from './compile-rules.js';
import { createMasker } from './masker.js';

/** Masks `text` with one rule built from `detect` (the whole text at once). */
function mask(detect: unknown, text: string, extra: Record<string, unknown> = {}): string {
  const section = GuardrailsSectionSchema.parse({ rules: [{ name: 'r', detect, ...extra }] });
  const set = compileGuardrails(section, new WeakMap()).ruleSet('request', { route: '/' });
  const m = createMasker(set.entries, 'request', Infinity);
  return m.push(text).text + m.end().text;
}
const builtin = (entity: string) => ({ type: 'builtin', entities: [entity] });

describe('checksums', () => {
  it('Luhn accepts valid and refuses altered numbers', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(cardValid('4111 1111 1111 1111')).toBe(true);
    expect(cardValid('1111 1111 1111 1117')).toBe(false); // Luhn-valid, but no issuer starts with 1
  });
  it('IBAN mod-97 and country length', () => {
    expect(ibanValid('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('DE89 3704 0044 0532 0130 01')).toBe(false);
    expect(ibanValid('DE89 3704 0044 0532 0130')).toBe(false); // DE is 22 characters
  });
  it('national ids', () => {
    expect(verhoeffValid('2363')).toBe(true);
    expect(verhoeffValid('2364')).toBe(false);
    expect(aadhaarValid('2341 2341 2346')).toBe(true);
    expect(aadhaarValid('2341 2341 2345')).toBe(false);
    expect(aadhaarValid('1341 2341 2346')).toBe(false);
    expect(ninoValid('AB 12 34 56 C')).toBe(true);
    expect(ninoValid('GB 12 34 56 C')).toBe(false);
    expect(ninoValid('DA 12 34 56 C')).toBe(false);
    expect(dniValid('12345678Z')).toBe(true);
    expect(dniValid('12345678A')).toBe(false);
    expect(dniValid('X1234567L')).toBe(true);
    expect(codiceFiscaleValid('RSSMRA85T10A562S')).toBe(true);
    expect(codiceFiscaleValid('RSSMRA85T10A562T')).toBe(false);
    expect(ssnValid('123-45-6789')).toBe(true);
    expect(ssnValid('666-45-6789')).toBe(false);
  });
});

describe('built-in detectors', () => {
  it('EMAIL', () => {
    expect(mask(builtin('EMAIL'), 'write to bob.smith+tag@mail.example.co.uk.')).toBe('write to [EMAIL].');
    expect(mask(builtin('EMAIL'), 'user@localhost, a@b.c, @handle, name@')).toBe('user@localhost, a@b.c, @handle, name@');
  });

  it('PHONE: E.164 and national formats', () => {
    const text = 'Call +14155552671, +44 20 7946 0958, +1 (415) 555-2671, (415) 555-2671, 020 7946 0958 or 01 23 45 67 89.';
    expect(mask(builtin('PHONE'), text)).toBe('Call [PHONE], [PHONE], [PHONE], [PHONE], [PHONE] or [PHONE].');
    const notPhones = 'Version 1.2.3, dated 2024-01-15, costs 1234.56, order #12345, +123, ISBN 978-3-16-148410-0';
    expect(mask(builtin('PHONE'), notPhones)).toBe(notPhones);
  });

  it('CREDIT_CARD: Luhn-checked', () => {
    expect(mask(builtin('CREDIT_CARD'), 'card 4111 1111 1111 1111 exp 12/29')).toBe('card [CREDIT_CARD] exp 12/29');
    expect(mask(builtin('CREDIT_CARD'), 'amex 3782-822463-10005 ok')).toBe('amex [CREDIT_CARD] ok');
    expect(mask(builtin('CREDIT_CARD'), '5555555555554444')).toBe('[CREDIT_CARD]');
    // Luhn-invalid numbers are not cards.
    expect(mask(builtin('CREDIT_CARD'), 'card 4111 1111 1111 1112 and 5555555555554445')).toBe('card 4111 1111 1111 1112 and 5555555555554445');
    // A valid card followed by an unrelated number group is still found.
    expect(mask(builtin('CREDIT_CARD'), '4111 1111 1111 1111 2 items')).toBe('[CREDIT_CARD] 2 items');
  });

  it('US_SSN', () => {
    expect(mask(builtin('US_SSN'), 'SSN 123-45-6789.')).toBe('SSN [US_SSN].');
    expect(mask(builtin('US_SSN'), '000-12-3456 666-12-3456 123-00-4567 123456789 1-123-45-6789-1')).toBe('000-12-3456 666-12-3456 123-00-4567 123456789 1-123-45-6789-1');
  });

  it('IBAN: checksum', () => {
    expect(mask(builtin('IBAN'), 'Pay DE89 3704 0044 0532 0130 00 today')).toBe('Pay [IBAN] today');
    expect(mask(builtin('IBAN'), 'IBAN GB82WEST12345698765432.')).toBe('IBAN [IBAN].');
    expect(mask(builtin('IBAN'), 'Pay DE89 3704 0044 0532 0130 01 today')).toBe('Pay DE89 3704 0044 0532 0130 01 today');
  });

  it('IP_ADDRESS: IPv4 and IPv6', () => {
    expect(mask(builtin('IP_ADDRESS'), 'hosts 192.168.1.20, 10.0.0.1 and 2001:db8::8a2e:370:7334, fe80::1, ::ffff:192.0.2.1')).toBe(
      'hosts [IP_ADDRESS], [IP_ADDRESS] and [IP_ADDRESS], [IP_ADDRESS], [IP_ADDRESS]',
    );
    const not = 'version 1.2.3, 999.1.1.1, 1.2.3.4.5, std::vector, Foo::Bar::baz, 10:30:00';
    expect(mask(builtin('IP_ADDRESS'), not)).toBe(not);
  });

  it('SECRET: cloud and provider keys, tokens, key blocks', () => {
    const cases = [
      'AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      `AIza${'B'.repeat(35)}`,
      `ya29.${'c'.repeat(60)}`,
      `AccountKey=${'k'.repeat(86)}==`,
      `abc8Q~${'d'.repeat(34)}`,
      `sk-proj-${'e'.repeat(120)}`,
      `sk-ant-api03-${'f'.repeat(90)}`,
      `ghp_${'g'.repeat(36)}`,
      `github_pat_${'h'.repeat(82)}`,
      `xoxb-${'1'.repeat(12)}-abcdef`,
      `sk_live_${'j'.repeat(24)}`,
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAA==\n-----END OPENSSH PRIVATE KEY-----',
    ];
    for (const c of cases) expect(mask(builtin('SECRET'), `x ${c} y`), c).toBe('x [SECRET] y');
    expect(mask(builtin('SECRET'), 'Authorization: Bearer abcdefghijklmnop1234.xyz end')).toBe('Authorization: Bearer [SECRET] end');
    const not = 'sk-short, AKIA1234, ghp_short, a bearer of good news, -----BEGIN PUBLIC KEY-----, eyJ';
    expect(mask(builtin('SECRET'), not)).toBe(not);
  });

  it('NATIONAL_ID by country list', () => {
    const text = 'NINO AB 12 34 56 C, DNI 12345678Z, NIE X1234567L, CF RSSMRA85T10A562S, Aadhaar 2341 2341 2346.';
    expect(mask({ type: 'national-id', countries: ['GB', 'ES', 'IT', 'IN'] }, text)).toBe(
      'NINO [NATIONAL_ID], DNI [NATIONAL_ID], NIE [NATIONAL_ID], CF [NATIONAL_ID], Aadhaar [NATIONAL_ID].',
    );
    // Only the listed countries run.
    expect(mask({ type: 'national-id', countries: ['ES'] }, 'AB 12 34 56 C, 12345678Z')).toBe('AB 12 34 56 C, [NATIONAL_ID]');
    const invalid = 'GB 12 34 56 C, 12345678A, RSSMRA85T10A562T, 2341 2341 2345';
    expect(mask({ type: 'national-id', countries: ['GB', 'ES', 'IT', 'IN'] }, invalid)).toBe(invalid);
  });
});
