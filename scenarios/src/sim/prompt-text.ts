import type { PromptMessage } from './token-count.js';
import type { AnthropicBlock, AnthropicMessage, MessagesRequest, OpenAiMessage } from './wire-schemas.js';

/**
 * Reduces OpenAI and Anthropic conversations to plain `{ role, text }` messages. The text is
 * what gets token-counted and hashed into the content seed, so a change to any message,
 * tool call or tool result changes the answer, while `stream` or `n` do not.
 */

function partText(part: Readonly<Record<string, unknown>>): string {
  if (typeof part['text'] === 'string') return part['text'];
  return `[${String(part['type'])}]`;
}

function openAiMessageText(message: OpenAiMessage): string {
  const pieces: string[] = [];
  if (message.name) pieces.push(message.name);
  if (typeof message.content === 'string') pieces.push(message.content);
  else if (Array.isArray(message.content)) for (const part of message.content) pieces.push(partText(part));
  for (const call of message.tool_calls ?? []) {
    if (call.function) pieces.push(`${call.function.name}(${call.function.arguments ?? ''})`);
  }
  if (message.tool_call_id) pieces.push(message.tool_call_id);
  return pieces.join('\n');
}

/** OpenAI chat messages as prompt messages. */
export function openAiPromptMessages(messages: readonly OpenAiMessage[]): PromptMessage[] {
  return messages.map((message) => ({ role: message.role, text: openAiMessageText(message) }));
}

/** True when the conversation ends with a tool's answer (so the model should now talk). */
export function openAiEndsWithToolResult(messages: readonly OpenAiMessage[]): boolean {
  const last = messages[messages.length - 1];
  return last !== undefined && (last.role === 'tool' || last.role === 'function');
}

function anthropicBlockText(block: AnthropicBlock): string {
  switch (block.type) {
    case 'text':
      return typeof block['text'] === 'string' ? block['text'] : '';
    case 'tool_use':
      return `${String(block['name'])}(${JSON.stringify(block['input'] ?? {})})`;
    case 'tool_result': {
      const content = block['content'];
      if (typeof content === 'string') return content;
      if (Array.isArray(content)) return content.map((inner) => anthropicBlockText(inner as AnthropicBlock)).join('\n');
      return '';
    }
    default:
      return `[${block.type}]`;
  }
}

function anthropicContentText(content: AnthropicMessage['content']): string {
  return typeof content === 'string' ? content : content.map(anthropicBlockText).join('\n');
}

/** Anthropic system + messages as prompt messages (the system prompt as a `system` message). */
export function anthropicPromptMessages(request: Pick<MessagesRequest, 'system' | 'messages'>): PromptMessage[] {
  const out: PromptMessage[] = [];
  if (request.system !== undefined) out.push({ role: 'system', text: anthropicContentText(request.system) });
  for (const message of request.messages) out.push({ role: message.role, text: anthropicContentText(message.content) });
  return out;
}

/** True when the last user turn carries a `tool_result` block. */
export function anthropicEndsWithToolResult(messages: readonly AnthropicMessage[]): boolean {
  const last = messages[messages.length - 1];
  if (!last || last.role !== 'user' || typeof last.content === 'string') return false;
  return last.content.some((block) => block.type === 'tool_result');
}

/** The text that seeds the answer: every role and text, separated so boundaries count. */
export function conversationDigestText(messages: readonly PromptMessage[]): string {
  let out = '';
  for (const message of messages) out += `${message.role}\u0000${message.text}\u0001`;
  return out;
}
