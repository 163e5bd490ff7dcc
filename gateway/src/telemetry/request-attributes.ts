import { ATTR, SLUICE } from '../../../collector/src/model/semconv.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiFlavor, AttrValue, CallTiming, Operation, RequestCtx, Usage } from '../pipeline/context.js';

/** What is known of an LLM request from its line and headers, before its body is read. */
export interface Arrival {
  requestId: string;
  api: ApiFlavor;
  operation: Operation;
  path: string;
  headers: IncomingHttpHeaders;
}

/**
 * Span attributes known when the request arrives, from its line and headers: every LLM
 * request's span has them, also one refused before its body was read (unauthenticated,
 * unreadable), so refusals are counted by route and API like any call.
 */
export function arrivalAttributes(a: Arrival): Record<string, AttrValue> {
  // The request's attribute bag, which every stage writes to. Besides what is known now, it
  // declares, unset, what every answered call gets later. V8 keeps an object made by a
  // literal of n plain-named properties fast while at most max(12, n) more are added by
  // computed key (a literal of computed keys counts as none); past that it becomes a hash
  // table and every later write and read of it is slower. Built from the six computed keys
  // alone that was 18 in all, which a call with a budget or guardrails crossed. So the keys
  // are written out here (`satisfies` holds them to the semconv names) and unset
  // (undefined) entries are no attributes: the span's setAttribute skips them.
  const out = {
    'gen_ai.operation.name': a.operation,
    'http.request.method': 'POST',
    'http.route': a.path,
    'sluice.request_id': a.requestId,
    'sluice.api': a.api,
    'sluice.route': a.path,
    'sluice.auth.method': undefined,
    'sluice.agent': undefined,
    'gen_ai.request.model': undefined,
    'gen_ai.request.max_tokens': undefined,
    'sluice.authz.decision': undefined,
    'sluice.authz.rule': undefined,
    'sluice.authz.reason': undefined,
    'sluice.attempts': undefined,
    'sluice.routing.strategy': undefined,
    'sluice.failover.path': undefined,
    'sluice.failover.served_by_backup': undefined,
    'sluice.cost': undefined,
  } satisfies Partial<Record<AttrName, AttrValue | undefined>> as Record<string, AttrValue | undefined>;
  const conv = header(a.headers, 'x-sluice-conversation-id') ?? header(a.headers, 'x-sluice-run-id');
  if (conv) out[ATTR.GEN_AI_CONVERSATION_ID] = conv.slice(0, 256);
  const run = header(a.headers, 'x-sluice-run-id');
  if (run) out[SLUICE.RUN_ID] = run.slice(0, 256);
  const scenario = header(a.headers, 'x-sluice-scenario');
  if (scenario) out[SLUICE.SCENARIO] = scenario.slice(0, 256);
  return out as Record<string, AttrValue>;
}

/** Every attribute name of the semantic conventions module. */
type AttrName = (typeof ATTR)[keyof typeof ATTR] | (typeof SLUICE)[keyof typeof SLUICE];

/** Span attributes of the request body (sampling-relevant ones included). */
export function requestAttributes(ctx: RequestCtx): Record<string, AttrValue> {
  const b = ctx.body;
  const a: Record<string, AttrValue> = { [ATTR.GEN_AI_REQUEST_MODEL]: ctx.model };
  if (ctx.stream) a[ATTR.GEN_AI_REQUEST_STREAM] = true;
  const maxTokens = b.max_completion_tokens ?? b.max_tokens;
  if (typeof maxTokens === 'number') a[ATTR.GEN_AI_REQUEST_MAX_TOKENS] = maxTokens;
  if (typeof b.temperature === 'number') a[ATTR.GEN_AI_REQUEST_TEMPERATURE] = b.temperature;
  if (typeof b.top_p === 'number') a[ATTR.GEN_AI_REQUEST_TOP_P] = b.top_p;
  if (typeof b.seed === 'number') a[ATTR.GEN_AI_REQUEST_SEED] = b.seed;
  if (typeof b.n === 'number' && b.n !== 1) a[ATTR.GEN_AI_REQUEST_CHOICE_COUNT] = b.n;
  return a;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Usage and timing attributes of a finished call. */
export function usageAttributes(usage: Usage | undefined, timing: CallTiming | undefined): Record<string, AttrValue> {
  const a: Record<string, AttrValue> = {};
  if (usage) {
    a[ATTR.GEN_AI_USAGE_INPUT_TOKENS] = usage.inputTokens;
    a[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS] = usage.outputTokens;
    if (usage.cachedInputTokens > 0) a[ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = usage.cachedInputTokens;
    if (usage.cacheWriteInputTokens) a[ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = usage.cacheWriteInputTokens;
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
