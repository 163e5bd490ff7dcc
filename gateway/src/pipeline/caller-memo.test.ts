import { describe, expect, it } from 'vitest';
import { CallerMemo } from './caller-memo.js';
import type { Identity } from './context.js';

describe('CallerMemo', () => {
  const alice: Identity = { method: 'virtual-key', agent: 'alice' };
  const bob: Identity = { method: 'virtual-key', agent: 'bob' };

  it('computes once per section, caller and key, and afresh for a new section (reload)', () => {
    let calls = 0;
    const memo = new CallerMemo((section: { n: number }, id: Identity, key: string) => `${section.n}:${id.agent}:${key}:${++calls}`);
    const s1 = { n: 1 };
    expect(memo.get(s1, alice, 'gpt-4o')).toBe('1:alice:gpt-4o:1');
    expect(memo.get(s1, alice, 'gpt-4o')).toBe('1:alice:gpt-4o:1');
    expect(memo.get(s1, bob, 'gpt-4o')).toBe('1:bob:gpt-4o:2');
    expect(memo.get(s1, alice, 'mini')).toBe('1:alice:mini:3');
    expect(memo.get({ n: 2 }, alice, 'gpt-4o')).toBe('2:alice:gpt-4o:4');
  });

  it('bounds the keys held per caller', () => {
    let calls = 0;
    const memo = new CallerMemo((_s: object, _id: Identity, key: string) => `${key}:${++calls}`, 2);
    const s = {};
    memo.get(s, alice, 'a');
    memo.get(s, alice, 'b');
    memo.get(s, alice, 'c'); // clears, then holds c
    expect(memo.get(s, alice, 'a')).toBe('a:4');
  });
});
