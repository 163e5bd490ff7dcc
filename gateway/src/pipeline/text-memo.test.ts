import { describe, expect, it } from 'vitest';
import { MEMO_MIN_CHARS, TextMemo, fingerprint } from './text-memo.js';

const long = (tag: string) => `${tag} ${'x'.repeat(MEMO_MIN_CHARS)}`;
/** Values are strings, counted at two bytes a character. */
const memoOf = (maxBytes: number) => new TextMemo<string>(maxBytes, (_text, value) => value.length * 2);

describe('TextMemo', () => {
  it('answers for the owner that kept a text and for no other owner', () => {
    const memo = memoOf(1 << 20);
    const a = {};
    memo.set(a, long('t'), 'value t');
    expect(memo.get(a, long('t'))).toBe('value t');
    expect(memo.get({}, long('t'))).toBeUndefined();
    expect(memo.get(a, long('u'))).toBeUndefined();
  });

  it('keeps no text shorter than MEMO_MIN_CHARS', () => {
    const memo = memoOf(1 << 20);
    const owner = {};
    memo.set(owner, 'x'.repeat(MEMO_MIN_CHARS - 1), 'short');
    expect(memo.size.entries).toBe(0);
    expect(memo.get(owner, 'x'.repeat(MEMO_MIN_CHARS - 1))).toBeUndefined();
  });

  it('stays within its bytes, drops texts not seen for a generation and keeps the ones in use', () => {
    const maxBytes = 64 * 1024;
    const memo = memoOf(maxBytes);
    const owner = {};
    const inUse = long('system prompt');
    memo.set(owner, inUse, 'system');
    for (let i = 0; i < 2_000; i++) {
      memo.set(owner, long(`turn ${i}`), `turn ${i}`);
      expect(memo.get(owner, inUse)).toBe('system');
      expect(memo.size.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(memo.get(owner, long('turn 1999'))).toBe('turn 1999');
    expect(memo.get(owner, long('turn 0'))).toBeUndefined();
    expect(memo.size.entries).toBeGreaterThan(100);
  });

  it('tells apart texts of one fingerprint, and keeps a bounded number of them', () => {
    const memo = memoOf(1 << 20);
    const owner = {};
    // 640 characters: the fingerprint reads every tenth one, so these differ where it does not look.
    const colliding = (i: number) => `${'a'.repeat(5)}${String.fromCharCode(0x4e00 + i)}${'b'.repeat(634)}`;
    expect(fingerprint(colliding(0))).toBe(fingerprint(colliding(1)));
    memo.set(owner, colliding(0), 'zero');
    memo.set(owner, colliding(1), 'one');
    expect(memo.get(owner, colliding(0))).toBe('zero');
    expect(memo.get(owner, colliding(1))).toBe('one');
    expect(memo.get(owner, colliding(2))).toBeUndefined();
    for (let i = 2; i < 40; i++) memo.set(owner, colliding(i), `n${i}`);
    expect(memo.size.entries).toBe(8);
    expect(memo.get(owner, colliding(39))).toBe('n39');
    expect(memo.get(owner, colliding(0))).toBeUndefined();
  });

  it('keeps no entry larger than half its bytes', () => {
    const memo = memoOf(4 * 1024);
    memo.set({}, 'y'.repeat(1_100), 'big');
    expect(memo.size.entries).toBe(0);
  });
});
