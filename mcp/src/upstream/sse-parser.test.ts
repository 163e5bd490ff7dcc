import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';

const STREAM = 'id: 1\nretry: 500\ndata: \n\n: keepalive\n\nevent: message\nid: 2\ndata: {"a":1}\n\ndata: line1\r\ndata: line2\r\n\r\n';

describe('SSE parser', () => {
  it('parses events, ids, retry and multi-line data', () => {
    const p = new SseParser();
    const events = p.push(STREAM);
    expect(events).toEqual([
      { event: 'message', data: '', id: '1' },
      { event: 'message', data: '{"a":1}', id: '2' },
      { event: 'message', data: 'line1\nline2', id: undefined },
    ]);
    expect(p.lastEventId).toBe('2');
    expect(p.retryMs).toBe(500);
  });

  it('gives the same events however the bytes are split', () => {
    const whole = new SseParser().push(STREAM);
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: STREAM.length }), { maxLength: 8 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b);
      const p = new SseParser();
      const events = [];
      let from = 0;
      for (const c of [...points, STREAM.length]) {
        events.push(...p.push(STREAM.slice(from, c)));
        from = c;
      }
      expect(events).toEqual(whole);
    }));
  });
});
