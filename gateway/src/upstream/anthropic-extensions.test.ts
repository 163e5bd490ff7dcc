import { describe, expect, it } from 'vitest';
import { withoutAnthropicExtensions } from './anthropic-extensions.js';

describe('Anthropic-only extensions left out for OpenAI-compatible upstreams', () => {
  it('returns the very body when it holds none', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: [{ type: 'function', function: { name: 'f' } }] };
    const out = withoutAnthropicExtensions(body);
    expect(out.body).toBe(body);
    expect(out.dropped).toEqual([]);
  });

  it('strips thinking, signed thinking history and every cache breakpoint, naming each kind once, without touching the input', () => {
    const body = {
      model: 'm',
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'rules', cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } }] },
        {
          role: 'assistant',
          content: null,
          thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }],
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' }, cache_control: { type: 'ephemeral' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'done', cache_control: { type: 'ephemeral' } },
      ],
      tools: [{ type: 'function', function: { name: 'f' }, cache_control: { type: 'ephemeral', ttl: '1h' } }],
      temperature: 0.2,
    };
    const before = JSON.stringify(body);
    const out = withoutAnthropicExtensions(body);
    expect(JSON.stringify(body)).toBe(before);
    expect(out.body).toEqual({
      model: 'm',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'rules' }] },
        { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'done' },
      ],
      tools: [{ type: 'function', function: { name: 'f' } }],
      temperature: 0.2,
    });
    expect(out.dropped.sort()).toEqual([
      'messages[].cache_control',
      'messages[].content[].cache_control',
      'messages[].thinking_blocks',
      'messages[].tool_calls[].cache_control',
      'thinking',
      'tools[].cache_control',
    ]);
    // Untouched messages are shared, not copied.
    expect((out.body.messages as unknown[])[1]).not.toBe(body.messages[1]);
    const plain = { model: 'm', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y', thinking_blocks: [] }] };
    expect((withoutAnthropicExtensions(plain).body.messages as unknown[])[0]).toBe(plain.messages[0]);
  });
});
