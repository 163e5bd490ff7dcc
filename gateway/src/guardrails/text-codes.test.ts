import { describe, expect, it } from 'vitest';
import { GuardrailsSectionSchema } from '../config/sections/guardrails.js';
import { compileGuardrails } from './compile-rules.js';
import { maskText } from './mask-text.js';
import { codeUnits, forgetCodeUnits } from './text-codes.js';

const unitsOf = (text: string): number[] => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));

describe('codeUnits', () => {
  it('are the UTF-16 code units, lone surrogates included', () => {
    const text = 'a\ud800b\udc00é😀z\u0000';
    expect([...codeUnits(text)]).toEqual(unitsOf(text));
  });

  it('follow the text they are asked for, however long', () => {
    const texts = ['first', 'x'.repeat(70_000) + '\u20ac', 'second é', 'y'.repeat(3_000), 'first'];
    for (const text of texts) expect([...codeUnits(text)]).toEqual(unitsOf(text));
  });

  it('are erased once forgotten: scanned text does not stay readable in the shared buffer', () => {
    const view = codeUnits('card 4111 1111 1111 1111');
    forgetCodeUnits();
    expect(view.every((u) => u === 0)).toBe(true);
  });

  it('of a masked text are erased when the masking ends', () => {
    const section = GuardrailsSectionSchema.parse({ rules: [{ name: 'pii', detect: { type: 'builtin', entities: ['CREDIT_CARD', 'PHONE'] } }] });
    const { entries } = compileGuardrails(section, new WeakMap()).ruleSet('request', { route: '/' });
    // Long enough for the number detectors to walk the shared code units.
    const text = `My card 4111 1111 1111 1111 was charged twice. ${'Please look into it. '.repeat(20)}`;
    const view = codeUnits(text);
    expect(maskText(entries, 'request', text).text).toContain('[CREDIT_CARD]');
    expect(view.every((u) => u === 0)).toBe(true);
  });
});
