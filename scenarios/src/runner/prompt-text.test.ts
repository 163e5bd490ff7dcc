import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { SINGLE_MESSAGE_OVERHEAD_TOKENS, textOfTokens, userMessageOfPromptTokens } from './prompt-text.js';

describe('generated prompts', () => {
  it.each([1, 2, 17, 120, 1500])('text of %i tokens has exactly that many o200k tokens', (n) => {
    expect(countTokens(textOfTokens(n, 9))).toBe(n);
  });

  it('is deterministic per seed and varies across seeds', () => {
    expect(textOfTokens(50, 1)).toBe(textOfTokens(50, 1));
    expect(textOfTokens(50, 1)).not.toBe(textOfTokens(50, 2));
  });

  it('sizes a single user message for a whole prompt-token budget', () => {
    expect(countTokens(userMessageOfPromptTokens(100, 4))).toBe(100 - SINGLE_MESSAGE_OVERHEAD_TOKENS);
  });
});
