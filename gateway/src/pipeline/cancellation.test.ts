import { describe, expect, it } from 'vitest';
import { Cancellation } from './cancellation.js';

describe('Cancellation', () => {
  it('aborts once, with the first reason, telling each listener once', () => {
    const c = new Cancellation();
    const heard: unknown[] = [];
    c.onAbort(() => heard.push(c.reason));
    const unlink = c.onAbort(() => heard.push('unlinked'));
    unlink();
    c.abort('first');
    c.abort('second');
    expect(c.aborted).toBe(true);
    expect(heard).toEqual(['first']);
  });

  it('calls a listener added after the abort at once', () => {
    const c = new Cancellation();
    c.abort('gone');
    let called = 0;
    c.onAbort(() => called++);
    expect(called).toBe(1);
  });

  it('gives an AbortSignal that follows it, made before or after the abort', () => {
    const before = new Cancellation();
    const early = before.signal;
    before.abort('x');
    expect(early.aborted).toBe(true);
    expect(early.reason).toBe('x');
    const after = new Cancellation();
    after.abort('y');
    expect(after.signal.reason).toBe('y');
  });

  it('follows an AbortSignal', () => {
    const ac = new AbortController();
    const c = Cancellation.following(ac.signal);
    expect(c.aborted).toBe(false);
    ac.abort('client gone');
    expect(c.aborted).toBe(true);
    expect(c.reason).toBe('client gone');
    expect(Cancellation.following(AbortSignal.abort('already')).reason).toBe('already');
  });
});
