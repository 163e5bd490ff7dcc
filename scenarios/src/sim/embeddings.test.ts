import { describe, expect, it } from 'vitest';
import { contentStems, cosineSimilarity, embedText, stem, toBase64Floats } from './embeddings.js';

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));

describe('embedText', () => {
  it('ranks texts sharing content words above unrelated ones (semantic-cache fixture)', () => {
    const policy = embedText('What is the return policy for electronics?', 256);
    const laptop = embedText('How many days do I have to return my laptop?', 256);
    const weather = embedText('The weather in Paris is sunny this afternoon', 256);
    const recipe = embedText('Bake the bread at two hundred degrees', 256);
    const related = cosineSimilarity(policy, laptop);
    expect(related).toBeGreaterThan(cosineSimilarity(policy, weather));
    expect(related).toBeGreaterThan(cosineSimilarity(laptop, weather));
    expect(related).toBeGreaterThan(cosineSimilarity(policy, recipe));
    expect(related).toBeGreaterThan(0.2);
  });

  it('gives unit vectors of the asked size, the same for the same text', () => {
    for (const dims of [1, 8, 256, 1536]) {
      const v = embedText('Returns and refunds', dims);
      expect(v.length).toBe(dims);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(Array.from(embedText('a b c', 16))).toEqual(Array.from(embedText('a b c', 16)));
    expect(norm(embedText('', 16))).toBeCloseTo(1, 5);
    expect(norm(embedText('the of and', 16))).toBeCloseTo(1, 5);
  });

  it('ignores case, stopwords and simple suffixes', () => {
    expect(cosineSimilarity(embedText('Returned laptops', 64), embedText('return the laptop', 64))).toBeCloseTo(1, 5);
  });
});

describe('stemming', () => {
  it('strips plural and verb endings', () => {
    expect(stem('policies')).toBe('policy');
    expect(stem('electronics')).toBe('electronic');
    expect(stem('returned')).toBe('return');
    expect(stem('returning')).toBe('return');
    expect(stem('class')).toBe('class');
    expect(contentStems('How many days do I have')).toEqual(['day']);
  });
});

describe('toBase64Floats', () => {
  it('encodes little-endian float32 the way the OpenAI SDK decodes it', () => {
    const v = embedText('round trip', 12);
    const bytes = Buffer.from(toBase64Floats(v), 'base64');
    const back = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(Array.from(back)).toEqual(Array.from(v));
  });
});
