import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secretSpecs } from './builtin-secrets.js';
import { literalSearch } from './literal-search.js';

describe('literalSearch', () => {
  // The built-in anchors (searched by a rare character or by indexOf) and literals made of their pieces.
  const literals = [...new Set(secretSpecs().flatMap((s) => (s.anchor ? [s.anchor.find] : [])))];
  const pieces = [...literals, 'e', 'y', 'J', 's', 'k', '-', '_', 'g', 'github', 'pat', 'sk', 'ey', 'eyJh', ' ', 'x', 'é', '😀'];
  const textArb = fc.array(fc.constantFrom(...pieces), { maxLength: 20 }).map((a) => a.join(''));

  it('the property covers literals searched by a rarer character (eyJ, sk-, github_pat_) and by indexOf (earer)', () => {
    expect(literals).toEqual(expect.arrayContaining(['eyJ', 'sk-', 'github_pat_', 'earer']));
  });

  it('property: finds what indexOf finds, from any position', () => {
    const literalArb = fc.oneof(fc.constantFrom(...literals), fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 3 }).map((a) => a.join('')));
    fc.assert(
      fc.property(textArb, literalArb, fc.nat(), (text, literal, f) => {
        const from = f % (text.length + 2);
        const search = literalSearch(literal) ?? ((t: string, f: number) => t.indexOf(literal, f));
        expect(search(text, from)).toBe(text.indexOf(literal, from));
      }),
      { numRuns: 3000 },
    );
  });
});
