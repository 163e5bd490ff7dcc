import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { estimateInputTokens, messagesText, messagesTextBytes } from './count-tokens.js';

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

describe('estimateInputTokens', () => {
  const history = [
    { role: 'system', content: `You are the billing assistant. ${'Answer briefly and politely. '.repeat(20)}` },
    { role: 'user', content: [{ type: 'text', text: `My bill doubled after I moved to Madrid. ${'Please check it. '.repeat(10)}` }] },
    { role: 'assistant', content: null, tool_calls: [{ function: { name: 'lookup_bill', arguments: JSON.stringify({ account: 'maria.rossi@example.com', months: [9, 10, 11] }) } }] },
  ];
  const tools = [{ type: 'function', function: { name: 'lookup_bill', description: 'Finds a bill', parameters: { type: 'object', properties: { account: { type: 'string' } } } } }];
  /** The same estimate from gpt-tokenizer directly: each text, the newlines between them, tools, framing. */
  const direct = (messages: unknown[]) => {
    const texts: string[] = [];
    for (const m of messages as Array<Record<string, unknown>>) {
      texts.push(m.role as string);
      if (typeof m.content === 'string') texts.push(m.content);
      if (Array.isArray(m.content)) for (const p of m.content as Array<{ text?: string }>) if (typeof p.text === 'string') texts.push(p.text);
      for (const c of (m.tool_calls as Array<{ function: { name: string; arguments: string } }> | undefined) ?? []) texts.push(c.function.name, c.function.arguments);
    }
    return texts.reduce((n, t) => n + countTokens(t), 0) + texts.length - 1 + countTokens(JSON.stringify(tools)) + 4 * messages.length + 3;
  };

  it("counts each text, the same on an agent's every step, never above the byte bound", () => {
    for (const last of ['Any news?', 'Still waiting. '.repeat(12)]) {
      const messages = [...history, { role: 'user', content: last }];
      const body = JSON.parse(JSON.stringify({ model: 'gpt-4o', messages, tools })) as Record<string, unknown>;
      expect(estimateInputTokens(body)).toBe(direct(messages));
      expect(estimateInputTokens(JSON.parse(JSON.stringify(body)) as Record<string, unknown>)).toBe(direct(messages));
      expect(estimateInputTokens(body)).toBeLessThanOrEqual(messagesTextBytes(messages) + Buffer.byteLength(JSON.stringify(tools)) + 4 * messages.length + 3);
    }
  });

  it('counts a text that differs from one seen before only where its fingerprint does not look', () => {
    // 640 characters: the fingerprint reads every tenth one; these differ at the sixth.
    const seen = `aaaaa ${'word '.repeat(126)}x`;
    const other = `aaaaa${'!'}${'word '.repeat(126)}x`;
    expect(other.length).toBe(seen.length);
    const one = (content: string) => ({ messages: [{ role: 'user', content }] });
    expect(estimateInputTokens(one(seen))).toBe(countTokens('user') + countTokens(seen) + 1 + 4 + 3);
    expect(estimateInputTokens(one(other))).toBe(countTokens('user') + countTokens(other) + 1 + 4 + 3);
    expect(countTokens(other)).not.toBe(countTokens(seen));
  });
});
