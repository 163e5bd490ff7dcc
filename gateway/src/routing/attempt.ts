import { type Span, SpanKind, SpanStatusCode, type Tracer, context, defaultTextMapSetter, trace } from '@opentelemetry/api';
import type { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ATTR, SLUICE } from '../../../collector/src/model/semconv.js';
import { GatewayError, errorTypeOf } from '../errors.js';
import type { Cancellation } from '../pipeline/cancellation.js';
import type { AttrValue, RequestCtx, Target } from '../pipeline/context.js';
import type { StreamSummary } from '../pipeline/outcome.js';
import { usageAttributes } from '../telemetry/request-attributes.js';
import { callProvider } from '../upstream/call-provider.js';
import type { AttemptResult } from '../upstream/send-request.js';
import type { ProviderRegistry } from '../upstream/provider-registry.js';
import { cancelKind } from './cancel-reasons.js';

export interface AttemptDeps {
  tracer: Tracer;
  propagator: W3CTraceContextPropagator;
  /** The providers of the request's config snapshot. */
  providers: (ctx: RequestCtx) => ProviderRegistry;
  /** A team's own provider key, when it has one; else the provider's pool of keys is used. */
  credentialFor?: (ctx: RequestCtx, provider: string) => string | undefined;
}

/** Facts about an attempt recorded on its span besides target and number. */
export interface AttemptInfo {
  /** Backoff waited before this attempt. */
  waitMs?: number;
  /** Started as a TTFT hedge next to a slower attempt. */
  hedge?: boolean;
  /** Breaker phase of the target (`half-open` = this attempt is a probe). */
  breaker?: string;
}

/** How an attempt ended, as recorded on its span (`sluice.attempt.outcome`). */
export type AttemptOutcome = 'ok' | 'error' | 'stream_broken' | 'cancelled' | 'deadline' | 'client_gone';

/**
 * One upstream attempt with its CLIENT span (`chat {model}`), trace context propagated
 * upstream. The span records target, attempt number, wait and outcome; a stream's span
 * ends when the stream does. An attempt aborted on purpose (hedge lost, deadline) is
 * recorded as such, not as an upstream error.
 */
export async function runAttempt(
  ctx: RequestCtx,
  target: Target,
  attempt: number,
  deps: AttemptDeps,
  signal: Cancellation,
  info: AttemptInfo = {},
): Promise<AttemptResult> {
  const provider = deps.providers(ctx).get(target.provider);
  if (!provider) {
    throw new GatewayError('GW_UPSTREAM_UNREACHABLE', `provider ${target.provider} is not available`, { retryable: true, provider: target.provider });
  }
  const parent = ctx.span ? trace.setSpan(context.active(), ctx.span) : context.active();
  const attributes: Record<string, AttrValue> = {
    [ATTR.GEN_AI_OPERATION_NAME]: ctx.operation,
    [ATTR.GEN_AI_PROVIDER_NAME]: provider.genAiName,
    [ATTR.GEN_AI_REQUEST_MODEL]: target.upstreamModel,
    [ATTR.SERVER_ADDRESS]: provider.serverAddress,
    [ATTR.SERVER_PORT]: provider.serverPort,
    [SLUICE.PROVIDER]: provider.name,
    [SLUICE.TARGET]: target.id,
    [SLUICE.ATTEMPT]: attempt,
    [SLUICE.ATTEMPT_WAIT_MS]: Math.round(info.waitMs ?? 0),
  };
  if (info.hedge) attributes[SLUICE.ATTEMPT_HEDGE] = true;
  if (info.breaker) attributes[SLUICE.BREAKER_STATE] = info.breaker;
  const span = deps.tracer.startSpan(`${ctx.operation} ${target.upstreamModel}`, { kind: SpanKind.CLIENT, attributes }, parent);
  const traceHeaders: Record<string, string> = {};
  deps.propagator.inject(trace.setSpan(parent, span), traceHeaders, defaultTextMapSetter);
  const credential = deps.credentialFor?.(ctx, provider.name) ?? provider.nextKey();
  let result: AttemptResult;
  try {
    result = await callProvider(ctx, provider, target, { signal, traceHeaders, credential });
  } catch (err) {
    endFailed(span, err, signal, ctx.cancel);
    throw err;
  }
  const out = result.outcome;
  if (result.droppedParams) span.setAttribute(SLUICE.DROPPED_PARAMS, result.droppedParams);
  if (out.kind === 'json') {
    span.setAttributes(usageAttributes(out.usage, out.timing));
    setResponseAttributes(span, out.body);
    span.setAttribute(SLUICE.ATTEMPT_OUTCOME, 'ok');
    span.end();
  } else {
    void out.summary.then((s) => endStream(span, s, signal));
  }
  return result;
}

function endStream(span: Span, s: StreamSummary, signal: Cancellation): void {
  span.setAttributes(usageAttributes(s.usage, s.timing));
  if (s.responseId) span.setAttribute(ATTR.GEN_AI_RESPONSE_ID, s.responseId);
  if (s.responseModel) span.setAttribute(ATTR.GEN_AI_RESPONSE_MODEL, s.responseModel);
  if (s.finishReasons.length) span.setAttribute(ATTR.GEN_AI_RESPONSE_FINISH_REASONS, s.finishReasons.filter(Boolean));
  const cancelled = signal.aborted ? cancelKind(signal.reason) : undefined;
  let outcome: AttemptOutcome = 'ok';
  if (s.clientAborted) outcome = 'client_gone';
  else if (cancelled) outcome = cancelled;
  else if (s.error) outcome = 'stream_broken';
  span.setAttribute(SLUICE.ATTEMPT_OUTCOME, outcome);
  if (s.error && (outcome === 'stream_broken' || outcome === 'deadline')) {
    span.setAttribute(ATTR.ERROR_TYPE, s.error.type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: s.error.message });
  }
  span.end();
}

function endFailed(span: Span, err: unknown, signal: Cancellation, clientSignal: Cancellation): void {
  const cancelled = signal.aborted ? cancelKind(signal.reason) : undefined;
  if (cancelled === 'cancelled') {
    span.setAttribute(SLUICE.ATTEMPT_OUTCOME, 'cancelled');
    span.end();
    return;
  }
  const ge = err instanceof GatewayError ? err : undefined;
  const outcome: AttemptOutcome = clientSignal.aborted ? 'client_gone' : (cancelled ?? 'error');
  span.setAttribute(SLUICE.ATTEMPT_OUTCOME, outcome);
  span.setAttribute(ATTR.ERROR_TYPE, outcome === 'deadline' ? 'deadline_exceeded' : (ge ? errorTypeOf(ge) : 'error'));
  if (ge) span.setAttribute(SLUICE.ERROR_CODE, outcome === 'deadline' ? 'GW_DEADLINE_EXCEEDED' : ge.code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: outcome === 'deadline' ? 'request deadline exceeded' : (ge?.message ?? 'upstream call failed') });
  span.end();
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
