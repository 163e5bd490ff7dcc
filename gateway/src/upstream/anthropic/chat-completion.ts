import { GatewayError } from '../../errors.js';
import { finishReasonOf } from './finish-reason.js';
import { isRecord } from '../../schemas/json-checks.js';
import { openAiUsageOf } from './openai-usage.js';

/**
 * An Anthropic `message` → an OpenAI `chat.completion` (one choice). Text blocks are joined
 * (Anthropic splits text into several blocks around citations; they are one answer),
 * `tool_use` blocks become `tool_calls` with `input` as the JSON arguments string. Thinking
 * is told twice: its text joined as `reasoning_content`, which OpenAI-style clients read, and
 * the `thinking` and `redacted_thinking` blocks themselves, in order and signatures intact,
 * as `thinking_blocks` (LiteLLM's extension), which a client must send back on an assistant
 * message to continue a tool conversation with thinking. Other blocks (server tools' blocks,
 * which the adapter never asks for) are left out. `usage` is left out when the message has
 * none, for the caller to estimate.
 */
export function messageToChatCompletion(message: Record<string, unknown>, created: number, provider: string): Record<string, unknown> {
  const content = message.content;
  if (message.type !== 'message' || !Array.isArray(content)) throw badAnswer(provider, 'an answer that is not an Anthropic message');
  let text: string | null = null;
  let reasoning = '';
  const thinkingBlocks: unknown[] = [];
  const toolCalls: unknown[] = [];
  for (let k = 0; k < content.length; k++) {
    const block: unknown = content[k];
    if (!isRecord(block)) throw badAnswer(provider, `a message whose content.${k} is not a block`);
    switch (block.type) {
      case 'text':
        if (typeof block.text !== 'string') throw badAnswer(provider, `a message whose content.${k}.text is not a string`);
        text = (text ?? '') + block.text;
        break;
      case 'thinking':
        if (typeof block.thinking !== 'string') throw badAnswer(provider, `a message whose content.${k}.thinking is not a string`);
        reasoning += block.thinking;
        // Anthropic always signs; a lookalike provider that does not gets its block passed on as it came.
        thinkingBlocks.push(typeof block.signature === 'string' ? { type: 'thinking', thinking: block.thinking, signature: block.signature } : { type: 'thinking', thinking: block.thinking });
        break;
      case 'redacted_thinking':
        if (typeof block.data !== 'string') throw badAnswer(provider, `a message whose content.${k}.data is not a string`);
        thinkingBlocks.push({ type: 'redacted_thinking', data: block.data });
        break;
      case 'tool_use':
        if (typeof block.id !== 'string' || typeof block.name !== 'string') throw badAnswer(provider, `a message whose content.${k} is a tool_use without id or name`);
        toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
        break;
    }
  }
  const out: Record<string, unknown> = { role: 'assistant', content: text, refusal: null };
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  // Thinking shown as `omitted` has signatures but no text: no reasoning to report.
  if (reasoning !== '') out.reasoning_content = reasoning;
  if (thinkingBlocks.length > 0) out.thinking_blocks = thinkingBlocks;
  const completion: Record<string, unknown> = {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [{ index: 0, message: out, finish_reason: finishReasonOf(message.stop_reason), logprobs: null }],
  };
  const usage = openAiUsageOf(message.usage);
  if (usage !== undefined) completion.usage = usage;
  return completion;
}

function badAnswer(provider: string, what: string): GatewayError {
  return new GatewayError('GW_UPSTREAM_BAD_RESPONSE', `provider ${provider} sent ${what}`, { retryable: true, provider });
}
