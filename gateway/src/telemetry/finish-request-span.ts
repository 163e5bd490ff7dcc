import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ATTR, SLUICE } from '../../../collector/src/model/semconv.js';
import type { TelemetrySection } from '../config/sections/telemetry.js';
import { type GatewayError, errorTypeOf } from '../errors.js';
import type { RequestCtx } from '../pipeline/context.js';
import type { Outcome } from '../pipeline/outcome.js';
import { setResponseAttributes } from '../routing/attempt.js';
import { genAiProviderName } from '../upstream/provider-names.js';
import { capContent, usageAttributes } from './request-attributes.js';

/**
 * Completes the request's SERVER span once the answer is fully sent (for a stream, when
 * its summary resolves): usage, timing, status, what every stage recorded in `ctx.attrs`,
 * and (when the operator enabled it) the content as sent, after guardrail masking.
 */
export async function finishRequestSpan(
  span: Span,
  ctx: RequestCtx | undefined,
  outcome: Outcome | undefined,
  error: GatewayError | undefined,
  httpStatus: number,
  telemetry: TelemetrySection,
): Promise<void> {
  let streamError: { type: string; message: string; code?: string } | undefined;
  let outputText: string | undefined;
  if (outcome?.kind === 'stream') {
    const s = await outcome.summary;
    span.setAttributes(usageAttributes(s.usage, s.timing));
    if (s.responseId) span.setAttribute(ATTR.GEN_AI_RESPONSE_ID, s.responseId);
    if (s.responseModel) span.setAttribute(ATTR.GEN_AI_RESPONSE_MODEL, s.responseModel);
    const reasons = s.finishReasons.filter(Boolean);
    if (reasons.length) span.setAttribute(ATTR.GEN_AI_RESPONSE_FINISH_REASONS, reasons);
    streamError = s.error;
    outputText = s.text;
  } else if (outcome?.kind === 'json') {
    span.setAttributes(usageAttributes(outcome.usage, outcome.timing));
    setResponseAttributes(span, outcome.body);
    if (telemetry.captureContent) outputText = contentJson((outcome.body.choices as unknown[] | undefined) ?? []);
  }
  if (ctx) {
    if (telemetry.captureContent) {
      span.setAttribute(ATTR.GEN_AI_INPUT_MESSAGES, capContent(contentJson(ctx.body.messages ?? ctx.body.input ?? []), telemetry.contentMaxBytes));
      if (outputText !== undefined) span.setAttribute(ATTR.GEN_AI_OUTPUT_MESSAGES, capContent(JSON.stringify(outputText), telemetry.contentMaxBytes));
    }
    for (const ev of ctx.events) span.addEvent(ev.name, ev.attributes, ev.timeMs);
    span.setAttributes(ctx.attrs);
    if (ctx.target) span.setAttribute(SLUICE.TARGET, ctx.target.id);
    const provider = ctx.target ? ctx.config.providers.find((p) => p.name === ctx.target?.provider) : undefined;
    if (provider) {
      span.setAttribute(SLUICE.PROVIDER, provider.name);
      span.setAttribute(ATTR.GEN_AI_PROVIDER_NAME, genAiProviderName(provider));
    }
  }
  span.setAttribute(ATTR.HTTP_RESPONSE_STATUS_CODE, httpStatus);
  span.setAttribute(SLUICE.STATUS_CODE, httpStatus);
  const failure = error ? { type: errorTypeOf(error), message: error.message, code: error.code } : streamError;
  if (failure) {
    span.setAttribute(ATTR.ERROR_TYPE, failure.type);
    if (failure.code) span.setAttribute(SLUICE.ERROR_CODE, failure.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
  } else {
    span.setStatus({ code: SpanStatusCode.OK });
  }
  span.end();
}

/**
 * Content as JSON for the span. An upstream answer nested too deep to serialise (request
 * bodies are depth-checked on arrival) is recorded as such; the span itself must not fail.
 */
function contentJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return JSON.stringify('[content not recorded: too deeply nested to serialise]');
  }
}
