import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { BoundedLru, countPromptTokens, countTextTokens } from './token-count.js';

describe('BoundedLru', () => {
  it('evicts the least recently used entry beyond its bound', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the freshest
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });
});

describe('token counting', () => {
  it('matches gpt-tokenizer, also on the memoized path', () => {
    const text = 'What is the return policy for electronics?';
    expect(countTextTokens(text)).toBe(countTokens(text));
    expect(countTextTokens(text)).toBe(countTokens(text));
    expect(countTextTokens('')).toBe(0);
  });

  it('adds OpenAI per-message framing and tool definitions', () => {
    const messages = [
      { role: 'system', text: 'Be brief.' },
      { role: 'user', text: 'Hello there' },
    ];
    const expected = 3 + (3 + countTokens('system') + countTokens('Be brief.')) + (3 + countTokens('user') + countTokens('Hello there'));
    expect(countPromptTokens(messages)).toBe(expected);
    expect(countPromptTokens(messages, '[{"name":"x"}]')).toBe(expected + countTokens('[{"name":"x"}]'));
  });
});
