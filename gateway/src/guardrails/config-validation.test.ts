import { describe, expect, it } from 'vitest';
import { GuardrailsSectionSchema } from '../config/sections/guardrails.js';

/** The issues zod reports for a guardrails section, as "path: message". */
function issues(input: unknown): string[] {
  const r = GuardrailsSectionSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
const regexRule = (pattern: string, flags?: string) => ({
  rules: [{ name: 'custom', detect: { type: 'regex', entity: 'CODE', pattern, ...(flags ? { flags } : {}) } }],
});

describe('guardrails config validation', () => {
  it('accepts a bounded, unambiguous custom regex', () => {
    expect(issues(regexRule('\\bPRJ-[0-9]{3,6}\\b'))).toEqual([]);
    expect(issues(regexRule('(?:foo|bar){1,3}-[a-z]{2}', 'i'))).toEqual([]);
    expect(issues(regexRule('(?:-[0-9]{3}){2}'))).toEqual([]);
    expect(issues(regexRule('[0-9]{1,16}[ -]?[0-9]{1,16}'))).toEqual([]);
  });

  it.each([
    ['(a', 'does not compile'],
    ['(a+)+b', 'nested quantifiers'],
    ['(\\w{1,3}){1,5}x', 'nested quantifiers'],
    ['(a|ab){1,9}c', 'alternatives can start with the same character'],
    ['[a-z]{1,60}[a-z0-9]{1,60}#', 'backtrack polynomially'],
    ['(a)x\\1', 'backreferences'],
    ['PRJ-\\d+', 'unbounded text'],
    ['a*', 'empty text'],
    ['^secret$', 'anchor to the whole text'],
    ['[a-z]{200}', 'more than guardrails.stream.maxHoldBackChars'],
  ])('refuses %s at load with its path and why', (pattern, why) => {
    const found = issues(regexRule(pattern));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^rules\.0\.detect\.pattern: /);
    expect(found[0]).toContain(why);
  });

  it('refuses malformed webhook URLs with their path', () => {
    const rule = (url: string) => ({ rules: [{ name: 'hook', action: 'reject', detect: { type: 'webhook', url } }] });
    expect(issues(rule('http://127.0.0.1:9/check'))).toEqual([]);
    expect(issues(rule('not a url'))[0]).toMatch(/^rules\.0\.detect\.url: malformed URL/);
    expect(issues(rule('ftp://example.com/x'))[0]).toMatch(/^rules\.0\.detect\.url: URL must be http or https/);
    expect(issues(rule('https://user:pw@example.com/x'))[0]).toMatch(/^rules\.0\.detect\.url: URL must not embed credentials/);
  });

  it('refuses mask on external moderation, unknown policy rules, duplicates and unsafe replacements', () => {
    const found = issues({
      rules: [
        { name: 'mod', action: 'mask', detect: { type: 'openai-moderation', apiKey: { env: 'OPENAI_API_KEY' } } },
        { name: 'mod', detect: { type: 'builtin', entities: ['EMAIL'] } },
        { name: 'q', detect: { type: 'builtin', entities: ['EMAIL'] }, replacement: 'a"b' },
      ],
      policies: [{ match: { teams: ['red'] }, rules: ['mod', 'nope'] }],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rules\.2\.replacement: no quotes/),
        expect.stringMatching(/^rules\.0\.action: external moderation takes action reject/),
        'rules.1.name: duplicate rule "mod"',
        'policies.0.rules.1: unknown rule "nope"',
      ]),
    );
  });

  it('fills defaults', () => {
    const s = GuardrailsSectionSchema.parse({});
    expect(s.stream.maxHoldBackChars).toBe(128);
    expect(s.policies).toEqual([{ name: 'all', match: {}, rules: ['*'] }]);
    expect(s.scan.onBudgetExceeded).toBe('reject');
  });
});
