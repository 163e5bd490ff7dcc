import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser } from './parse.js';

const feed = (parts: Buffer[]) => {
  const p = new SseParser();
  const out = parts.flatMap((b) => p.push(b));
  return [...out, ...p.end()];
};

describe('SSE parser', () => {
  it('parses OpenAI framing, comments, multi-line data and event names', () => {
    const text = ': keep-alive\n\ndata: {"a":1}\n\nevent: error\ndata: line1\ndata: line2\nid: 7\n\ndata: [DONE]\n\n';
    expect(feed([Buffer.from(text)])).toEqual([
      { data: '{"a":1}' },
      { event: 'error', data: 'line1\nline2', id: '7' },
      { data: '[DONE]', id: '7' }, // the last event id persists, as the spec says
    ]);
  });

  it('handles CRLF and CR line ends', () => {
    expect(feed([Buffer.from('data: x\r\n\r\ndata: y\r\rdata: z\n\n')])).toEqual([{ data: 'x' }, { data: 'y' }, { data: 'z' }]);
  });

  it('yields the same events for any split of the bytes (UTF-8 and CRLF across splits included)', () => {
    const event = fc.record({ data: fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !/[\r\n]/.test(s)), event: fc.option(fc.constantFrom('error', 'message'), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r'), fc.array(fc.nat(), { maxLength: 8 }), (events, eol, cuts) => {
        const text = events.map((e) => `${e.event ? `event: ${e.event}${eol}` : ''}data: ${e.data}${eol}${eol}`).join('');
        const bytes = Buffer.from(text);
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const parts: Buffer[] = [];
        let prev = 0;
        for (const p of points) {
          parts.push(bytes.subarray(prev, p));
          prev = p;
        }
        parts.push(bytes.subarray(prev));
        expect(feed(parts)).toEqual(feed([bytes]));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an event larger than its bound', () => {
    const p = new SseParser(16);
    expect(() => p.push('data: ' + 'x'.repeat(64))).toThrow(/larger than 16 bytes/);
  });
});
