import { estimateInputTokens, countTextTokens } from './count-tokens.js';
import { timePerOutputTokenMs, usageFromOpenAi } from './usage.js';
import type { RequestCtx, Usage } from '../pipeline/context.js';
import type { ChatChunk, StreamOutcome, StreamSummary } from '../pipeline/outcome.js';
import { GatewayError, errorTypeOf } from '../errors.js';

export interface MeterOptions {
  now: () => number;
  /** Gateway receive time; TTFT and totals are measured from it. */
  receivedAtMs: number;
  /** The request as sent upstream, to count input tokens if the upstream reports none. */
  requestBody: Record<string, unknown>;
  /** True once the client has gone away (so an early stop is charged as an abort). */
  clientGone: () => boolean;
}

function chunkHasContent(c: ChatChunk): boolean {
  for (const ch of c.choices ?? []) {
    const d = ch.delta;
    if (d && ((typeof d.content === 'string' && d.content !== '') || (Array.isArray(d.tool_calls) && d.tool_calls.length > 0))) return true;
  }
  return false;
}

/**
 * Wraps an upstream chunk stream and measures it as it passes: TTFT (first content token),
 * TPOT, finish reasons, text of choice 0, and usage — the upstream's when it reports it,
 * else counted with gpt-tokenizer and marked estimated (never zero for a stream that
 * produced output). `summary` resolves when the stream ends, fails or is abandoned.
 */
export function meterStream(source: AsyncIterable<ChatChunk>, opts: MeterOptions): { chunks: AsyncIterable<ChatChunk>; summary: Promise<StreamSummary> } {
  let resolve!: (s: StreamSummary) => void;
  const summary = new Promise<StreamSummary>((r) => (resolve = r));
  let started = false;
  let settled = false;
  let firstMs: number | undefined;
  let text = '';
  let allOutput = '';
  let reported: Usage | undefined;
  const finish: string[] = [];
  let id: string | undefined;
  let model: string | undefined;
  let error: StreamSummary['error'];

  const settle = () => {
    if (settled) return;
    settled = true;
    const totalMs = opts.now() - opts.receivedAtMs;
    const usage: Usage = reported ?? {
      inputTokens: estimateInputTokens(opts.requestBody),
      outputTokens: countTextTokens(allOutput),
      cachedInputTokens: 0,
      estimated: true,
    };
    resolve({
      usage,
      timing: { ttftMs: firstMs, totalMs, tpotMs: timePerOutputTokenMs(totalMs, firstMs, usage.outputTokens) },
      finishReasons: finish,
      responseId: id,
      responseModel: model,
      error,
      text,
      clientAborted: opts.clientGone(),
    });
  };

  async function* metered(): AsyncGenerator<ChatChunk> {
    started = true;
    let completed = false;
    try {
      for await (const c of source) {
        if (firstMs === undefined && chunkHasContent(c)) firstMs = opts.now() - opts.receivedAtMs;
        id ??= c.id;
        model ??= c.model;
        for (const ch of c.choices ?? []) {
          const d = ch.delta;
          if (typeof d?.content === 'string') {
            allOutput += d.content;
            if (ch.index === 0) text += d.content;
          }
          if (Array.isArray(d?.tool_calls)) {
            for (const tc of d.tool_calls as Array<{ function?: { name?: string; arguments?: string } }>) {
              allOutput += (tc.function?.name ?? '') + (tc.function?.arguments ?? '');
            }
          }
          if (ch.finish_reason) finish[ch.index] = ch.finish_reason;
        }
        const u = usageFromOpenAi(c.usage);
        if (u) reported = u;
        yield c;
      }
      completed = true;
    } catch (err) {
      // Named like a failure before the stream (`error.type` = the client-facing code), so
      // `llm_calls.error_type` tells a broken upstream stream from a timeout or a budget cut.
      error = err instanceof GatewayError ? { type: errorTypeOf(err), message: err.message, code: err.code } : { type: 'stream_failed', message: 'stream failed' };
      throw err;
    } finally {
      if (!completed && error === undefined && !opts.clientGone()) error = { type: 'stream_abandoned', message: 'stream abandoned' };
      settle();
    }
  }

  const gen = metered();
  return {
    chunks: {
      [Symbol.asyncIterator]: () => ({
        next: () => gen.next(),
        // A consumer that stops before the first pull never enters the generator's
        // `finally`; settle here so the summary (and any budget charge) still resolves.
        return: async (v?: unknown) => {
          const r = await gen.return(v as never);
          if (!started) settle();
          return r;
        },
        throw: (e?: unknown) => gen.throw(e),
      }),
    },
    summary,
  };
}

/** An upstream's chunk stream as the request's outcome, metered as it passes. */
export function meteredStreamOutcome(ctx: RequestCtx, source: AsyncIterable<ChatChunk>, requestBody: Record<string, unknown>): StreamOutcome {
  const { chunks, summary } = meterStream(source, { now: ctx.now, receivedAtMs: ctx.receivedAtMs, requestBody, clientGone: () => ctx.cancel.aborted });
  const clientWantsUsage = (ctx.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  return { kind: 'stream', status: 200, chunks, summary, clientWantsUsage };
}
