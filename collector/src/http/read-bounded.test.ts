import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyOverflow, readBounded } from './read-bounded.js';

describe('readBounded', () => {
  it('returns the whole body', async () => {
    const s = new PassThrough();
    const p = readBounded(s, 10, () => {});
    s.write('abc');
    s.end('def');
    expect((await p).toString()).toBe('abcdef');
  });

  it('refuses past the limit at once, hands the stream to onOverflow and stops listening', async () => {
    const s = new PassThrough();
    let overflowed = 0;
    const p = readBounded(s, 4, (stream) => {
      overflowed++;
      stream.pause();
    });
    s.write('abc');
    s.write('de');
    await expect(p).rejects.toBeInstanceOf(BodyOverflow);
    expect(overflowed).toBe(1);
    expect(s.listenerCount('data')).toBe(0);
  });

  it("rejects with the stream's error, and on a close before the end", async () => {
    const failing = new PassThrough();
    const p1 = readBounded(failing, 10, () => {});
    failing.destroy(new Error('boom'));
    await expect(p1).rejects.toThrow('boom');
    const cut = new PassThrough();
    const p2 = readBounded(cut, 10, () => {});
    cut.write('ab');
    cut.destroy();
    await expect(p2).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
    await expect(readBounded(cut, 10, () => {})).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });
});
