import { ATTR, SLUICE } from '../../../collector/src/model/semconv.js';
import type { AttrValue, CallTiming, RequestCtx, Usage } from '../pipeline/context.js';

/** Span attributes known when the request arrives (sampling-relevant ones included). */
export function requestAttributes(ctx: RequestCtx): Record<string, AttrValue> {
  const b = ctx.body;
  const a: Record<string, AttrValue> = {
    [ATTR.GEN_AI_OPERATION_NAME]: ctx.operation,
    [ATTR.GEN_AI_REQUEST_MODEL]: ctx.model,
    [ATTR.HTTP_REQUEST_METHOD]: 'POST',
    [ATTR.HTTP_ROUTE]: ctx.path,
    [SLUICE.REQUEST_ID]: ctx.requestId,
    [SLUICE.API]: ctx.api,
    [SLUICE.ROUTE]: ctx.path,
  };
  if (ctx.stream) a[ATTR.GEN_AI_REQUEST_STREAM] = true;
  const maxTokens = b.max_completion_tokens ?? b.max_tokens;
  if (typeof maxTokens === 'number') a[ATTR.GEN_AI_REQUEST_MAX_TOKENS] = maxTokens;
  if (typeof b.temperature === 'number') a[ATTR.GEN_AI_REQUEST_TEMPERATURE] = b.temperature;
  if (typeof b.top_p === 'number') a[ATTR.GEN_AI_REQUEST_TOP_P] = b.top_p;
  if (typeof b.seed === 'number') a[ATTR.GEN_AI_REQUEST_SEED] = b.seed;
  if (typeof b.n === 'number' && b.n !== 1) a[ATTR.GEN_AI_REQUEST_CHOICE_COUNT] = b.n;
  const conv = header(ctx, 'x-sluice-conversation-id') ?? header(ctx, 'x-sluice-run-id');
  if (conv) a[ATTR.GEN_AI_CONVERSATION_ID] = conv.slice(0, 256);
  const run = header(ctx, 'x-sluice-run-id');
  if (run) a[SLUICE.RUN_ID] = run.slice(0, 256);
  const scenario = header(ctx, 'x-sluice-scenario');
  if (scenario) a[SLUICE.SCENARIO] = scenario.slice(0, 256);
  return a;
}

function header(ctx: RequestCtx, name: string): string | undefined {
  const v = ctx.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Usage and timing attributes of a finished call. */
export function usageAttributes(usage: Usage | undefined, timing: CallTiming | undefined): Record<string, AttrValue> {
  const a: Record<string, AttrValue> = {};
  if (usage) {
    a[ATTR.GEN_AI_USAGE_INPUT_TOKENS] = usage.inputTokens;
    a[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS] = usage.outputTokens;
    if (usage.cachedInputTokens > 0) a[ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = usage.cachedInputTokens;
    a[SLUICE.TOKENS_ESTIMATED] = usage.estimated;
  }
  if (timing?.ttftMs !== undefined) {
    a[SLUICE.TTFT_MS] = round3(timing.ttftMs);
    a[ATTR.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = round3(timing.ttftMs / 1000);
  }
  if (timing?.tpotMs !== undefined) a[SLUICE.TPOT_MS] = round3(timing.tpotMs);
  return a;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Caps captured content (gen_ai.input/output.messages) at `maxBytes`. */
export function capContent(json: string, maxBytes: number): string {
  if (Buffer.byteLength(json) <= maxBytes) return json;
  return `${Buffer.from(json).subarray(0, maxBytes).toString('utf8')}…[truncated]`;
}
