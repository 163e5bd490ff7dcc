import { describe, expect, it } from 'vitest';
import {
  anthropicEndsWithToolResult,
  anthropicPromptMessages,
  conversationDigestText,
  openAiEndsWithToolResult,
  openAiPromptMessages,
} from './prompt-text.js';

describe('OpenAI conversations', () => {
  it('reduces content parts, tool calls and tool results to text', () => {
    const messages = openAiPromptMessages([
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'done' },
    ]);
    expect(messages).toEqual([
      { role: 'user', text: 'look\n[image_url]' },
      { role: 'assistant', text: 'f({"a":1})' },
      { role: 'tool', text: 'done\nc1' },
    ]);
  });

  it('knows when a tool just answered', () => {
    expect(openAiEndsWithToolResult([{ role: 'user', content: 'x' }])).toBe(false);
    expect(openAiEndsWithToolResult([{ role: 'tool', content: 'x', tool_call_id: 'c' }])).toBe(true);
  });
});

describe('Anthropic conversations', () => {
  it('puts the system prompt first and flattens blocks', () => {
    const messages = anthropicPromptMessages({
      system: [{ type: 'text', text: 'sys' }],
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: { a: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'ok' }] }] },
      ],
    });
    expect(messages).toEqual([
      { role: 'system', text: 'sys' },
      { role: 'assistant', text: 'f({"a":1})' },
      { role: 'user', text: 'ok' },
    ]);
  });

  it('knows when the last user turn carries a tool_result', () => {
    expect(anthropicEndsWithToolResult([{ role: 'user', content: 'hi' }])).toBe(false);
    expect(anthropicEndsWithToolResult([{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't' }] }])).toBe(true);
  });
});

describe('conversationDigestText', () => {
  it('keeps message boundaries, so moving text between messages changes the digest', () => {
    const a = conversationDigestText([{ role: 'user', text: 'ab' }, { role: 'user', text: 'c' }]);
    const b = conversationDigestText([{ role: 'user', text: 'a' }, { role: 'user', text: 'bc' }]);
    expect(a).not.toBe(b);
  });
});
