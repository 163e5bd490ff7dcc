import { describe, expect, it } from 'vitest';
import { messagesText, messagesTextBytes } from './count-tokens.js';

describe('messagesTextBytes', () => {
  it('is the UTF-8 length of messagesText, without building it', () => {
    const cases: unknown[] = [
      [],
      [{ role: 'user', content: 'Hello' }],
      [{ role: 'system', content: 'Réponds en français 🇫🇷' }, { role: 'user', content: [{ type: 'text', text: 'ça va ?' }, { type: 'image_url', image_url: { url: 'x' } }] }],
      [{ role: 'assistant', content: null, tool_calls: [{ function: { name: 'lookup', arguments: '{"q":"北京"}' } }] }, null, 7, { content: 'no role' }],
      'not an array',
    ];
    for (const messages of cases) expect(messagesTextBytes(messages)).toBe(Buffer.byteLength(messagesText(messages)));
  });
});
