import type Anthropic from '@anthropic-ai/sdk';

/**
 * Anthropic answers for tests, typed by the official SDK so their shapes are Anthropic's:
 * `message` / blocks build a `Message`, `messageEventsText` streams one as the API does
 * (message_start, per block start → deltas → stop, message_delta, message_stop).
 */

export function usage(counts: Partial<Anthropic.Usage> & Pick<Anthropic.Usage, 'input_tokens' | 'output_tokens'>): Anthropic.Usage {
  return {
    cache_creation: null,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: null,
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: null,
    ...counts,
  };
}

export const text = (value: string): Anthropic.TextBlock => ({ type: 'text', text: value, citations: null });

export const thinking = (value: string, signature = 'sig-abc'): Anthropic.ThinkingBlock => ({ type: 'thinking', thinking: value, signature });

export const redactedThinking = (data: string): Anthropic.RedactedThinkingBlock => ({ type: 'redacted_thinking', data });

export const toolUse = (id: string, name: string, input: Record<string, unknown>): Anthropic.ToolUseBlock => ({
  type: 'tool_use',
  id,
  name,
  input,
  caller: { type: 'direct' },
});

export function message(content: Anthropic.ContentBlock[], extra: Partial<Anthropic.Message> = {}): Anthropic.Message {
  return {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-6',
    content,
    container: null,
    diagnostics: null,
    stop_details: null,
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: usage({ input_tokens: 25, output_tokens: 12 }),
    ...extra,
  };
}

/** Cuts a string into the pieces its stream deltas carry. */
export type Splitter = (value: string) => string[];

const sse = (event: Anthropic.RawMessageStreamEvent | { type: 'ping' }): string => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

/**
 * The SSE text Anthropic streams for `answer`: the message_start usage carries the input
 * counts and a placeholder output count, message_delta the final output count. `withUsage`
 * false streams no usage at all (as a gateway-facing proxy might).
 */
export function messageEventsText(answer: Anthropic.Message, split: Splitter, withUsage = true): string {
  const start = { ...answer, content: [], stop_reason: null, stop_sequence: null, usage: { ...answer.usage, output_tokens: 1 } };
  if (!withUsage) delete (start as Partial<Anthropic.Message>).usage;
  let out = sse({ type: 'message_start', message: start as Anthropic.Message });
  answer.content.forEach((block, index) => {
    if (block.type === 'text') {
      out += sse({ type: 'content_block_start', index, content_block: text('') });
      out += sse({ type: 'ping' });
      for (const piece of split(block.text)) out += sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
    } else if (block.type === 'thinking') {
      out += sse({ type: 'content_block_start', index, content_block: thinking('', '') });
      for (const piece of split(block.thinking)) out += sse({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece } });
      out += sse({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } });
    } else if (block.type === 'tool_use') {
      out += sse({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      for (const piece of split(JSON.stringify(block.input))) {
        out += sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
      }
    } else {
      out += sse({ type: 'content_block_start', index, content_block: block });
    }
    out += sse({ type: 'content_block_stop', index });
  });
  const delta = { type: 'message_delta', delta: { stop_reason: answer.stop_reason, stop_sequence: answer.stop_sequence } } as Anthropic.RawMessageDeltaEvent;
  if (withUsage) {
    const { cache_creation_input_tokens, cache_read_input_tokens, input_tokens, output_tokens } = answer.usage;
    delta.usage = { cache_creation_input_tokens, cache_read_input_tokens, input_tokens, output_tokens, output_tokens_details: null, server_tool_use: null };
  } else {
    delete (delta as Partial<Anthropic.RawMessageDeltaEvent>).usage;
  }
  return out + sse(delta) + sse({ type: 'message_stop' });
}
