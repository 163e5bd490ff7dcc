import { GatewayError } from '../errors.js';

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('GW_BAD_REQUEST', message, { param, clientCode: 'invalid_value' });
}

/** OpenAI's own limit on `n`. */
const MAX_CHOICES = 128;

/**
 * Checks the fields the gateway itself relies on; every other field passes through to the
 * upstream untouched (the upstream validates its own parameters).
 */
export function validateChatRequest(body: Record<string, unknown>): { model: string; stream: boolean } {
  const model = body.model;
  if (model === undefined) throw invalid('model', "missing required parameter: 'model'");
  if (typeof model !== 'string' || model === '') throw invalid('model', "'model' must be a non-empty string");
  const messages = body.messages;
  if (messages === undefined) throw invalid('messages', "missing required parameter: 'messages'");
  if (!Array.isArray(messages)) throw invalid('messages', "'messages' must be an array");
  if (messages.length === 0) throw invalid('messages', "'messages' must contain at least one message");
  messages.forEach((m, i) => {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) throw invalid(`messages[${i}]`, `'messages[${i}]' must be an object`);
    const role = (m as { role?: unknown }).role;
    if (typeof role !== 'string') throw invalid(`messages[${i}].role`, `'messages[${i}].role' must be a string`);
  });
  const stream = body.stream;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') throw invalid('stream', "'stream' must be a boolean");
  for (const k of ['max_tokens', 'max_completion_tokens', 'n'] as const) {
    const v = body[k];
    // Safe integers only: 1e300 is an "integer" too, and would be reserved and priced as one.
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)) {
      throw invalid(k, `'${k}' must be a positive integer`);
    }
  }
  if (typeof body.n === 'number' && body.n > MAX_CHOICES) throw invalid('n', `'n' must be at most ${MAX_CHOICES}`);
  return { model, stream: stream === true };
}

/** Embeddings: `model` and `input` (string, array of strings or token arrays). */
export function validateEmbeddingsRequest(body: Record<string, unknown>): { model: string } {
  const model = body.model;
  if (model === undefined) throw invalid('model', "missing required parameter: 'model'");
  if (typeof model !== 'string' || model === '') throw invalid('model', "'model' must be a non-empty string");
  const input = body.input;
  if (input === undefined) throw invalid('input', "missing required parameter: 'input'");
  if (typeof input !== 'string' && !Array.isArray(input)) throw invalid('input', "'input' must be a string or an array");
  return { model };
}
