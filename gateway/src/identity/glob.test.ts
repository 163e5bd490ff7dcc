import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlobs, globMatch } from './glob.js';

/** Reference semantics: the obvious RegExp translation. */
function viaRegExp(pattern: string, value: string): boolean {
  const body = [...pattern].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`).test(value);
}

const alphabet = fc.constantFrom('a', 'b', '-', '.', '/');
const patternChar = fc.constantFrom('a', 'b', '-', '.', '/', '*', '?');

describe('globMatch', () => {
  it('matches whole names with * and ?', () => {
    expect(globMatch('gpt-4*', 'gpt-4o-mini')).toBe(true);
    expect(globMatch('gpt-4*', 'xgpt-4')).toBe(false);
    expect(globMatch('claude-?-opus', 'claude-3-opus')).toBe(true);
    expect(globMatch('*/gpt-*', 'openai/gpt-4')).toBe(true);
    expect(globMatch('gpt-4', 'gpt-4o')).toBe(false);
    expect(globMatch('', '')).toBe(true);
    expect(globMatch('**', '')).toBe(true);
  });

  it('agrees with the RegExp translation on any pattern and value', () => {
    fc.assert(
      fc.property(fc.array(patternChar, { maxLength: 8 }).map((a) => a.join('')), fc.array(alphabet, { maxLength: 12 }).map((a) => a.join('')), (p, v) => {
        expect(globMatch(p, v)).toBe(viaRegExp(p, v));
      }),
      { numRuns: 2000 },
    );
  });

  it('stays fast on patterns that make backtracking regexes explode', () => {
    const value = 'a'.repeat(5_000);
    expect(globMatch('*a*a*a*a*a*a*a*b', value)).toBe(false);
  });
});

describe('compileGlobs', () => {
  it('treats literals exactly and "*" as everything', () => {
    const m = compileGlobs(['gpt-4', 'claude-*']);
    expect(m('gpt-4')).toBe(true);
    expect(m('gpt-4o')).toBe(false);
    expect(m('claude-3-opus')).toBe(true);
    expect(compileGlobs('*')('anything/at all')).toBe(true);
  });

  it('a list matches exactly when one of its globs does', () => {
    fc.assert(
      fc.property(fc.array(fc.array(patternChar, { maxLength: 5 }).map((a) => a.join('')), { minLength: 1, maxLength: 4 }), fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')), (globs, v) => {
        expect(compileGlobs(globs)(v)).toBe(globs.some((g) => viaRegExp(g, v)));
      }),
    );
  });
});
