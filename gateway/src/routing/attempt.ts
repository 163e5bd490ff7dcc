import { SpanKind, SpanStatusCode, type Tracer, context, defaultTextMapSetter, trace } from '@opentelemetry/api';
import type { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ATTR, SLUICE } from '../../../collector/src/model/semconv.js';
import { GatewayError } from '../errors.js';
import type { RequestCtx, Target } from '../pipeline/context.js';
import { usageAttributes } from '../telemetry/request-attributes.js';
import { type AttemptResult, callOpenAiCompatible } from '../upstream/openai-call.js';
import type { ProviderRegistry } from '../upstream/provider-registry.js';

export interface AttemptDeps {
  tracer: Tracer;
  propagator: W3CTraceContextPropagator;
  /** The providers of the request's config snapshot. */
  providers: (ctx: RequestCtx) => ProviderRegistry;
  /** A team's own provider key, when it has one; else the provider's pool of keys is used. */
  credentialFor?: (ctx: RequestCtx, provider: string) => string | undefined;
}

/**
 * One upstream attempt with its CLIENT span (`chat {model}`), trace context propagated
 * upstream. A stream's span ends when the stream does.
 */
export async function runAttempt(ctx: RequestCtx, target: Target, attempt: number, deps: AttemptDeps, signal: AbortSignal): Promise<AttemptResult> {
  const provider = deps.providers(ctx).get(target.provider);
  if (!provider) {
    throw new GatewayError('GW_UPSTREAM_UNREACHABLE', `provider ${target.provider} is not available`, { retryable: true, provider: target.provider });
  }
  const parent = ctx.span ? trace.setSpan(context.active(), ctx.span) : context.active();
  const span = deps.tracer.startSpan(
    `${ctx.operation} ${target.upstreamModel}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR.GEN_AI_OPERATION_NAME]: ctx.operation,
        [ATTR.GEN_AI_PROVIDER_NAME]: provider.genAiName,
        [ATTR.GEN_AI_REQUEST_MODEL]: target.upstreamModel,
        [ATTR.SERVER_ADDRESS]: provider.serverAddress,
        [ATTR.SERVER_PORT]: provider.serverPort,
        [SLUICE.PROVIDER]: provider.name,
        [SLUICE.TARGET]: target.id,
        [SLUICE.ATTEMPT]: attempt,
      },
    },
    parent,
  );
  const traceHeaders: Record<string, string> = {};
  deps.propagator.inject(trace.setSpan(parent, span), traceHeaders, defaultTextMapSetter);
  const credential = deps.credentialFor?.(ctx, provider.name) ?? provider.nextKey();
  const endpoint = ctx.operation === 'embeddings' ? 'embeddings' : 'chat/completions';
  let result: AttemptResult;
  try {
    result = await callOpenAiCompatible(ctx, provider, target, endpoint, { signal, traceHeaders, credential });
  } catch (err) {
    failSpan(span, err);
    span.end();
    throw err;
  }
  const out = result.outcome;
  if (out.kind === 'json') {
    span.setAttributes(usageAttributes(out.usage, out.timing));
    setResponseAttributes(span, out.body);
    span.end();
  } else {
    void out.summary.then((s) => {
      span.setAttributes(usageAttributes(s.usage, s.timing));
      if (s.responseId) span.setAttribute(ATTR.GEN_AI_RESPONSE_ID, s.responseId);
      if (s.responseModel) span.setAttribute(ATTR.GEN_AI_RESPONSE_MODEL, s.responseModel);
      if (s.finishReasons.length) span.setAttribute(ATTR.GEN_AI_RESPONSE_FINISH_REASONS, s.finishReasons.filter(Boolean));
      if (s.error) {
        span.setAttribute(ATTR.ERROR_TYPE, s.error.type);
        span.setStatus({ code: SpanStatusCode.ERROR, message: s.error.message });
      }
      span.end();
    });
  }
  return result;
}

function failSpan(span: ReturnType<Tracer['startSpan']>, err: unknown): void {
  const ge = err instanceof GatewayError ? err : undefined;
  span.setAttribute(ATTR.ERROR_TYPE, ge?.clientCode ?? ge?.code ?? 'error');
  if (ge) span.setAttribute(SLUICE.ERROR_CODE, ge.code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: ge?.message ?? 'upstream call failed' });
}

/** gen_ai.response.* from a chat.completion / embeddings body. */
export function setResponseAttributes(span: { setAttribute(k: string, v: string | string[]): unknown }, body: Record<string, unknown>): void {
  if (typeof body.id === 'string') span.setAttribute(ATTR.GEN_AI_RESPONSE_ID, body.id);
  if (typeof body.model === 'string') span.setAttribute(ATTR.GEN_AI_RESPONSE_MODEL, body.model);
  if (Array.isArray(body.choices)) {
    const reasons = body.choices.map((c) => (c as { finish_reason?: unknown }).finish_reason).filter((r): r is string => typeof r === 'string');
    if (reasons.length) span.setAttribute(ATTR.GEN_AI_RESPONSE_FINISH_REASONS, reasons);
  }
}
