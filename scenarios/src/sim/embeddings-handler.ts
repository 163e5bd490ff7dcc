import { answeredByFault, rejectedByQuota, rejectedForContext, resolveFault } from './answer-gate.js';
import { planDelays } from './completion-plan.js';
import { embedText, toBase64Floats } from './embeddings.js';
import { badRequest, modelNotFound, timingRngOf } from './handler-support.js';
import { sendError, type RequestScope } from './request-scope.js';
import { sendGenerated } from './send-generated.js';
import { countTextTokens } from './token-count.js';
import { EmbeddingsRequestSchema, type EmbeddingsRequest } from './wire-schemas.js';

/** `POST /v1/embeddings`: OpenAI embeddings, floats or base64 (the SDK's default). */

/** Inputs as texts; token-id arrays become their ids joined by spaces (hashed like words). */
function inputTexts(input: EmbeddingsRequest['input']): { texts: string[]; tokens: number } {
  if (typeof input === 'string') return { texts: [input], tokens: countTextTokens(input) };
  if (input.every((item): item is number => typeof item === 'number')) {
    return { texts: [input.join(' ')], tokens: input.length };
  }
  let tokens = 0;
  const texts = input.map((item) => {
    if (typeof item === 'string') {
      tokens += countTextTokens(item);
      return item;
    }
    tokens += item.length;
    return item.join(' ');
  });
  return { texts, tokens };
}

export async function handleEmbeddings(scope: RequestScope, body: unknown): Promise<void> {
  const parsed = EmbeddingsRequestSchema.safeParse(body);
  if (!parsed.success) return sendError(scope, badRequest(parsed.error));
  const request = parsed.data;
  const { state } = scope;
  state.stats.model(request.model);
  const fault = resolveFault(scope, request.model);
  if (await answeredByFault(scope, fault)) return;
  const profile = state.profiles.lookup(request.model);
  if (!profile) return sendError(scope, modelNotFound(scope, request.model));

  const { texts, tokens } = inputTexts(request.input);
  if (rejectedForContext(scope, fault, tokens, profile.contextWindowTokens)) return;
  if (rejectedByQuota(scope, request.model, tokens)) return;
  state.stats.tokens(tokens, 0);

  const dimensions = request.dimensions ?? state.config.embeddingDimensions;
  const base64 = request.encoding_format === 'base64';
  const json = (): unknown => {
    const data = texts.map((text, index) => {
      const vector = embedText(text, dimensions);
      return { object: 'embedding', index, embedding: base64 ? toBase64Floats(vector) : Array.from(vector) };
    });
    const out: Record<string, unknown> = { object: 'list', data, model: request.model };
    if (fault?.missingUsage !== true) out['usage'] = { prompt_tokens: tokens, total_tokens: tokens };
    return out;
  };
  await sendGenerated(scope, fault, {
    stream: false,
    // One step: the time to first token stands for the whole embedding latency.
    delays: planDelays(profile, fault, timingRngOf(scope), 1),
    malformedFrame: '',
    json,
    frames: () => [],
  });
}
