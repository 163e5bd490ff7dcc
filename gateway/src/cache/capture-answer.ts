import { estimateInputTokens, countTextTokens } from '../metering/count-tokens.js';
import type { Usage } from '../pipeline/context.js';
import type { ChatChunk, JsonOutcome, Outcome, StreamOutcome } from '../pipeline/outcome.js';
import { type CachedAnswer, answerFromJsonBody, notCacheableReason } from './cached-answer.js';
import { StreamAssembler } from './stream-assembler.js';

export interface CaptureOptions {
  cacheableFinishReasons: readonly string[];
  maxEntryBytes: number;
  /** The request body, to count input tokens when the upstream reported no usage. */
  requestBody: Record<string, unknown>;
  /** `provider/upstreamModel` that served the call, once known. */
  servedBy: () => string | undefined;
  /** Called with the answer once it may be stored, or with why it may not. */
  done: (r: { answer: CachedAnswer; json: string } | { skip: string }) => void;
}

/** Usage to keep with an answer when the upstream sent none: counted, and marked so. */
function countedUsage(body: Record<string, unknown>, answer: CachedAnswer): Usage {
  let out = 0;
  for (const c of answer.choices) {
    const m = c.message as { content?: unknown; tool_calls?: unknown };
    if (typeof m.content === 'string') out += countTextTokens(m.content);
    if (Array.isArray(m.tool_calls)) out += countTextTokens(JSON.stringify(m.tool_calls));
  }
  return { inputTokens: estimateInputTokens(body), outputTokens: out, cachedInputTokens: 0, estimated: true };
}

function finish(answer: CachedAnswer | undefined, o: CaptureOptions): void {
  if (!answer) return o.done({ skip: 'unreadable_answer' });
  const why = notCacheableReason(answer, o.cacheableFinishReasons);
  if (why) return o.done({ skip: why });
  const json = JSON.stringify(answer);
  if (json.length > o.maxEntryBytes) return o.done({ skip: 'too_large' });
  o.done({ answer, json });
}

function captureJson(out: JsonOutcome, o: CaptureOptions): JsonOutcome {
  if (out.status !== 200 || out.body.error !== undefined) {
    o.done({ skip: 'not_ok' });
    return out;
  }
  const draft = answerFromJsonBody(out.body, out.usage ?? { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, estimated: true }, o.servedBy());
  finish(draft && !out.usage ? { ...draft, usage: countedUsage(o.requestBody, draft) } : draft, o);
  return out;
}

/**
 * Passes a stream through unchanged while assembling its answer; offers it for storing
 * only when the stream ran to its end and its summary shows no error and no client abort.
 * `return`/`throw` are forwarded, so an abandoned stream still settles upstream.
 */
function captureStream(out: StreamOutcome, o: CaptureOptions): StreamOutcome {
  const asm = new StreamAssembler(o.maxEntryBytes);
  let decided = false;
  const end = (completed: boolean) => {
    if (decided) return;
    decided = true;
    if (!completed) return o.done({ skip: 'stream_incomplete' });
    void out.summary.then(
      (s) => {
        if (s.error || s.clientAborted) return o.done({ skip: 'stream_failed' });
        if (asm.oversized) return o.done({ skip: 'too_large' });
        const draft = asm.answer(s.usage ?? { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, estimated: true }, o.servedBy());
        finish(draft && !s.usage ? { ...draft, usage: countedUsage(o.requestBody, draft) } : draft, o);
      },
      () => o.done({ skip: 'stream_failed' }),
    );
  };
  const chunks: AsyncIterable<ChatChunk> = {
    [Symbol.asyncIterator]() {
      const it = out.chunks[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            const r = await it.next();
            if (r.done) end(true);
            else asm.push(r.value);
            return r;
          } catch (err) {
            end(false);
            throw err;
          }
        },
        async return(v?: unknown) {
          end(false);
          return it.return ? it.return(v) : { done: true as const, value: v as never };
        },
        async throw(e?: unknown) {
          end(false);
          if (it.throw) return it.throw(e);
          throw e;
        },
      };
    },
  };
  return { ...out, chunks };
}

/** Wraps an outcome so its answer is offered for caching once it is known to be complete and normal. */
export function captureAnswer(out: Outcome, o: CaptureOptions): Outcome {
  return out.kind === 'json' ? captureJson(out, o) : captureStream(out, o);
}
