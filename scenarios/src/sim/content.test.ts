import fc from 'fast-check';
import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { VOCABULARY, generatePieces } from './content.js';
import { createRng } from './random.js';

describe('generatePieces', () => {
  it('keeps a vocabulary large enough to read as text', () => {
    expect(VOCABULARY.length).toBeGreaterThan(100);
  });

  it('gives exactly the requested number of pieces, each one o200k token, for any seed', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 400 }), (seed, count) => {
        const pieces = generatePieces(createRng(seed), count);
        return pieces.length === count && countTokens(pieces.join('')) === count;
      }),
      { numRuns: 60 },
    );
  });

  it('is deterministic and forms sentences', () => {
    const a = generatePieces(createRng(9), 40).join('');
    expect(generatePieces(createRng(9), 40).join('')).toBe(a);
    expect(a).toMatch(/^[A-Z][a-z]+( [A-Za-z]+)*\./);
    expect(a.endsWith('.')).toBe(true);
  });
});
