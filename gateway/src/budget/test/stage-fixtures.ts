import { BudgetsSectionSchema } from '../../config/sections/budgets.js';
import { ModelsSectionSchema } from '../../config/sections/models.js';
import { RateLimitsSectionSchema } from '../../config/sections/rate-limits.js';
import type { Config } from '../../config/schema.js';
import { meterStream } from '../../metering/stream-meter.js';
import type { Identity, RequestCtx, Usage } from '../../pipeline/context.js';
import type { ChatChunk, JsonOutcome, StreamOutcome } from '../../pipeline/outcome.js';
import { Cancellation } from '../../pipeline/cancellation.js';

/**
 * Hand-built request contexts and outcomes for stage tests (budget and rate-limit stages
 * run against these; no HTTP). Only the sections these stages read are real; the rest of
 * the config is absent.
 */
export function testConfig(sections: { budgets?: unknown; rateLimits?: unknown; models?: unknown }): Config {
  return {
    budgets: BudgetsSectionSchema.parse(sections.budgets ?? {}),
    rateLimits: RateLimitsSectionSchema.parse(sections.rateLimits ?? {}),
    models: ModelsSectionSchema.parse(sections.models ?? {}),
  } as unknown as Config;
}

export interface CtxOptions {
  config: Config;
  identity?: Identity;
  body?: Record<string, unknown>;
  stream?: boolean;
  now?: () => number;
  signal?: AbortSignal;
}

let seq = 0;

export function testCtx(o: CtxOptions): RequestCtx {
  const now = o.now ?? (() => Date.now());
  const body = o.body ?? { model: 'gpt-4o', messages: [{ role: 'user', content: 'Say hello.' }] };
  return {
    requestId: `req-${++seq}`,
    api: 'openai',
    operation: 'chat',
    path: '/v1/chat/completions',
    headers: {},
    config: o.config,
    cancel: o.signal ? Cancellation.following(o.signal) : new Cancellation(),
    signal: o.signal ?? new AbortController().signal,
    receivedAtMs: now(),
    now,
    body,
    model: typeof body.model === 'string' ? body.model : 'gpt-4o',
    stream: o.stream ?? false,
    identity: o.identity,
    attrs: {},
    events: [],
    responseHeaders: {},
    span: undefined,
  };
}

export const usage = (inputTokens: number, outputTokens: number, estimated = false): Usage => ({ inputTokens, outputTokens, cachedInputTokens: 0, estimated });

export function jsonOutcome(u: Usage | undefined, content = 'Hello there.'): JsonOutcome {
  return {
    kind: 'json',
    status: 200,
    body: { id: 'c1', object: 'chat.completion', model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] },
    usage: u,
  };
}

/** One chunk per word of `text`; a final usage chunk when `reported` is given. */
export function chunksOf(text: string, reported?: { prompt_tokens: number; completion_tokens: number }): ChatChunk[] {
  const words = text.split(/(?= )/);
  const out: ChatChunk[] = words.map((w) => ({ id: 's1', object: 'chat.completion.chunk', model: 'gpt-4o', choices: [{ index: 0, delta: { content: w }, finish_reason: null }] }));
  out.push({ id: 's1', object: 'chat.completion.chunk', model: 'gpt-4o', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  if (reported) out.push({ id: 's1', object: 'chat.completion.chunk', model: 'gpt-4o', choices: [], usage: reported });
  return out;
}

/** A stream outcome metered the way the upstream layer meters real streams. */
export function streamOutcome(chunks: readonly ChatChunk[], ctx: RequestCtx, clientGone: () => boolean = () => false): StreamOutcome {
  async function* source(): AsyncGenerator<ChatChunk> {
    for (const c of chunks) yield structuredClone(c);
  }
  const m = meterStream(source(), { now: ctx.now, receivedAtMs: ctx.receivedAtMs, requestBody: ctx.body, clientGone });
  return { kind: 'stream', status: 200, chunks: m.chunks, summary: m.summary, clientWantsUsage: true };
}

/** Drains a stream as the relay would; returns the chunks delivered and the error that ended it. */
export async function drain(out: StreamOutcome, stopAfter = Number.POSITIVE_INFINITY, onStop?: () => void): Promise<{ delivered: ChatChunk[]; error: unknown }> {
  const delivered: ChatChunk[] = [];
  try {
    for await (const c of out.chunks) {
      delivered.push(c);
      if (delivered.length >= stopAfter) {
        onStop?.();
        break;
      }
    }
  } catch (err) {
    return { delivered, error: err };
  }
  return { delivered, error: undefined };
}
