import { messagesToChatRequest } from '../anthropic-front/messages-request.js';
import type { ApiFlavor, Operation } from '../pipeline/context.js';
import { validateChatRequest, validateEmbeddingsRequest } from './validate-request.js';

/** A request in the pipeline's canonical form: an OpenAI-shaped body, the model asked for, streaming or not. */
export interface CanonicalRequest {
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
}

/**
 * Validates a parsed request body in the caller's API and turns it into the canonical OpenAI
 * shape every stage works on: OpenAI bodies as they are, Anthropic Messages translated (and
 * the translation checked like any chat body). Throws `GatewayError` naming the field.
 */
export function canonicalRequest(api: ApiFlavor, op: Operation, body: Record<string, unknown>): CanonicalRequest {
  if (api === 'anthropic') {
    const { chat, model, stream } = messagesToChatRequest(body);
    validateChatRequest(chat);
    return { body: chat, model, stream };
  }
  if (op === 'chat') return { body, ...validateChatRequest(body) };
  return { body, ...validateEmbeddingsRequest(body), stream: false };
}
