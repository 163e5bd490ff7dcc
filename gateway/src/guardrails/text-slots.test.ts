import { describe, expect, it } from 'vitest';
import { historySlotCount, requestSlots } from './text-slots.js';

const history = (body: Record<string, unknown>, skip?: (m: unknown) => boolean) => {
  const slots = requestSlots(body, skip);
  return slots.slice(0, historySlotCount(body, slots)).map((s) => s.text);
};

describe('historySlotCount: the texts an agent sends again', () => {
  it('is nothing for a lone message, a prompt or embeddings input', () => {
    expect(history({ messages: [{ role: 'user', content: 'hi' }] })).toEqual([]);
    expect(history({ input: ['a', 'b'] })).toEqual([]);
    expect(history({ prompt: 'p' })).toEqual([]);
  });

  it('is every text before the last message: contents, text parts and tool-call arguments', () => {
    const body = {
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: [{ type: 'text', text: 'part 1' }, { type: 'image_url', image_url: { url: 'x' } }, { type: 'text', text: 'part 2' }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"q":1}' } }] },
        { role: 'tool', tool_call_id: 't', content: 'result' },
        { role: 'user', content: [{ type: 'text', text: 'new a' }, { type: 'text', text: 'new b' }] },
      ],
    };
    expect(history(body)).toEqual(['sys', 'part 1', 'part 2', '{"q":1}', 'result']);
  });

  it("leaves the caller's last message out even when a template message follows it", () => {
    const template = { role: 'system', content: 'appended by a template' };
    const body = { messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'new' }, template] };
    expect(history(body, (m) => m === template)).toEqual(['sys']);
  });

  it('is nothing when only the last message has text', () => {
    expect(history({ messages: [{ role: 'assistant', content: null }, { role: 'user', content: 'new' }] })).toEqual([]);
  });
});
