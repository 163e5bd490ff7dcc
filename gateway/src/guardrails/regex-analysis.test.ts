import { describe, expect, it } from 'vitest';
import { has } from './charset.js';
import { analyzeRegex } from './regex-analysis.js';

describe('analyzeRegex', () => {
  it('computes the reach of bounded patterns', () => {
    const a = analyzeRegex(String.raw`\b[0-9]{3}-[0-9]{4}\b`, 'g');
    expect(a.problems).toEqual([]);
    expect([a.reach.minLen, a.reach.maxLen]).toEqual([8, 8]);
    expect(a.reach.behindChars).toBe(3); // \b reads one back, plus a surrogate's worth
    expect(a.reach.aheadChars).toBe(3);
    expect(a.reach.prefix).toHaveLength(8);
    expect(has(a.reach.prefix[3], '-'.charCodeAt(0))).toBe(true);
    expect(has(a.reach.consumes, 'a'.charCodeAt(0))).toBe(false);
  });

  it('counts lookaround and case-insensitive letters', () => {
    const a = analyzeRegex('(?<=key=)[a-f]{4}(?![0-9]{2})', 'i');
    expect(a.reach.maxLen).toBe(4);
    expect(a.reach.behindChars).toBe(6);
    expect(a.reach.aheadChars).toBe(4);
    expect(has(a.reach.consumes, 'F'.charCodeAt(0))).toBe(true);
    expect(has(a.reach.consumes, 'g'.charCodeAt(0))).toBe(false);
  });

  it('position-wise prefix of fixed alternatives', () => {
    const a = analyzeRegex('(?:AKIA|ASIA)[A-Z0-9]{16}', '');
    expect(a.reach.prefix).toHaveLength(20);
    expect(has(a.reach.prefix[1], 'S'.charCodeAt(0))).toBe(true);
    expect(has(a.reach.prefix[1], 'B'.charCodeAt(0))).toBe(false);
  });

  it('reports unbounded length, empty matches and risky shapes', () => {
    expect(analyzeRegex('a+', '').reach.maxLen).toBe(Infinity);
    expect(analyzeRegex('a?', '').reach.minLen).toBe(0);
    expect(analyzeRegex('(a+)+', '').problems.join()).toContain('nested quantifiers');
    expect(analyzeRegex('(?:x|xy){2,4}', '').problems.join()).toContain('same character');
    expect(analyzeRegex('(?:x|y){2,4}', '').problems).toEqual([]);
    expect(analyzeRegex('(a)\\1', '').problems.join()).toContain('backreferences');
    expect(analyzeRegex('\\d{1,40}\\d{1,40}', '').problems.join()).toContain('polynomially');
    expect(analyzeRegex('\\d{1,40}-\\d{1,40}', '').problems).toEqual([]);
    expect(analyzeRegex('^x$', '').textAnchors).toBe(true);
    expect(analyzeRegex('^x$', 'm').textAnchors).toBe(false);
  });

  it('refuses inline modifier groups', () => {
    expect(() => analyzeRegex('(?i:x)', '')).toThrow(/inline modifier/);
  });
});
