import { GatewayError } from '../errors.js';
import type { RequestCtx, Target } from '../pipeline/context.js';
import { callAnthropic } from './anthropic-call.js';
import { callOpenAiCompatible } from './openai-call.js';
import type { ProviderRuntime } from './provider-registry.js';
import type { AttemptOptions, AttemptResult } from './send-request.js';

/** One upstream call in the provider's own wire API; the answer comes back in OpenAI shapes. */
export function callProvider(ctx: RequestCtx, provider: ProviderRuntime, target: Target, opts: AttemptOptions): Promise<AttemptResult> {
  if (provider.api === 'anthropic') {
    if (ctx.operation === 'embeddings') {
      return Promise.reject(
        new GatewayError('GW_BAD_REQUEST', `model ${ctx.model} is served by provider ${provider.name}, whose Anthropic Messages API has no embeddings`, { param: 'model', provider: provider.name }),
      );
    }
    return callAnthropic(ctx, provider, target, opts);
  }
  return callOpenAiCompatible(ctx, provider, target, ctx.operation === 'embeddings' ? 'embeddings' : 'chat/completions', opts);
}
