import { estimateInputTokens } from '../metering/count-tokens.js';
import { messagesToChatRequest } from './messages-request.js';

/**
 * `POST /v1/messages/count_tokens`: the input tokens of a Messages request, validated like one
 * (it takes no `max_tokens`). Counted with the gateway's tokenizer (o200k, the estimate budgets
 * reserve with), which is not Anthropic's own: an estimate, close for English text.
 */
export function countMessageTokens(body: Record<string, unknown>): { model: string; input_tokens: number } {
  const { chat, model } = messagesToChatRequest({ max_tokens: 1, ...body });
  return { model, input_tokens: estimateInputTokens(chat) };
}
