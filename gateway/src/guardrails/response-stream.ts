import type { ChatChunk, StreamOutcome, StreamSummary } from '../pipeline/outcome.js';
import type { RuleSet } from './compile-rules.js';
import { rejectionError } from './guard-deps.js';
import { type MaskStep, type StreamMasker, createMasker } from './masker.js';
import { type Hit, type Rejection, mergeHits } from './types.js';

/** What a masked stream reports once it ends (or is cut). */
export interface StreamReport {
  hits: Hit[];
  rejected?: Rejection;
  /** Time spent masking, summed over chunks. */
  elapsedMs: number;
}

type Choice = ChatChunk['choices'][number];
type ToolCallDelta = { index?: number; function?: { arguments?: string; [k: string]: unknown }; [k: string]: unknown };

/**
 * Wraps a stream so each choice's content and each tool call's arguments pass through
 * their own windowed masker. Chunks keep their structure (held-back text simply appears
 * in a later chunk); a choice's held text is flushed into its finish chunk, or into one
 * extra chunk at the end. A reject ends the stream with GW_GUARDRAIL_REJECTED, which the
 * relay turns into a terminal SSE error event. If the upstream breaks, held text is
 * dropped rather than emitted unchecked.
 */
export function maskStream(out: StreamOutcome, set: RuleSet, now: () => number, onEnd: (r: StreamReport) => void): StreamOutcome {
  const maskers = new Map<string, StreamMasker>();
  const report: StreamReport = { hits: [], elapsedMs: 0 };
  let firstChoiceText = '';
  let template: ChatChunk | undefined;
  let started = false;
  let signalEnd: () => void = () => {};
  const ended = new Promise<void>((resolve) => (signalEnd = resolve));

  const take = (step: MaskStep): string => {
    mergeHits(report.hits, step.hits);
    if (step.rejected) {
      report.rejected = step.rejected;
      throw rejectionError(step.rejected);
    }
    return step.text;
  };
  const masker = (key: string): StreamMasker => {
    let m = maskers.get(key);
    if (!m) maskers.set(key, (m = createMasker(set.entries, 'response', set.maxHoldBackChars)));
    return m;
  };
  const finishKey = (key: string): string => {
    const m = maskers.get(key);
    if (!m) return '';
    maskers.delete(key);
    return take(m.end());
  };

  const maskChoice = (choice: Choice): Choice => {
    const i = choice.index;
    const delta = { ...(choice.delta ?? {}) };
    if (typeof delta.content === 'string' && delta.content !== '') delta.content = take(masker(`c${i}`).push(delta.content));
    if (Array.isArray(delta.tool_calls)) {
      delta.tool_calls = (delta.tool_calls as ToolCallDelta[]).map((tc) => {
        const args = tc.function?.arguments;
        if (typeof args !== 'string' || args === '') return tc;
        return { ...tc, function: { ...tc.function, arguments: take(masker(`t${i}:${tc.index ?? 0}`).push(args)) } };
      });
    }
    if (choice.finish_reason) flushChoice(i, delta);
    if (i === 0 && typeof delta.content === 'string') firstChoiceText += delta.content;
    return { ...choice, delta };
  };

  /** Appends a choice's held-back text to `delta` and closes its maskers. */
  const flushChoice = (i: number, delta: Choice['delta']): void => {
    const rest = finishKey(`c${i}`);
    if (rest !== '') delta.content = (typeof delta.content === 'string' ? delta.content : '') + rest;
    for (const key of [...maskers.keys()].filter((k) => k.startsWith(`t${i}:`))) {
      const args = finishKey(key);
      if (args === '') continue;
      const calls = Array.isArray(delta.tool_calls) ? [...delta.tool_calls] : [];
      calls.push({ index: Number(key.slice(key.indexOf(':') + 1)), function: { arguments: args } });
      delta.tool_calls = calls;
    }
  };

  /** One extra chunk for choices whose stream ended without a finish_reason. */
  const tailChunk = (): ChatChunk | undefined => {
    const indexes = [...new Set([...maskers.keys()].map((k) => Number(k.slice(1).split(':')[0])))];
    const choices = indexes.map((i) => {
      const delta: Choice['delta'] = {};
      flushChoice(i, delta);
      if (i === 0 && typeof delta.content === 'string') firstChoiceText += delta.content;
      return { index: i, delta, finish_reason: null };
    });
    const hasText = choices.some((c) => c.delta.content !== undefined || c.delta.tool_calls !== undefined);
    if (!hasText) return undefined;
    const { id, object, created, model } = template ?? {};
    return { id, object: object ?? 'chat.completion.chunk', created, model, choices };
  };

  async function* masked(): AsyncGenerator<ChatChunk> {
    started = true;
    const inner = out.chunks[Symbol.asyncIterator]();
    let innerDone = false;
    try {
      for (;;) {
        const r = await inner.next();
        if (r.done) {
          innerDone = true;
          break;
        }
        const t0 = now();
        template ??= r.value;
        const chunk = { ...r.value, choices: r.value.choices.map(maskChoice) };
        report.elapsedMs += now() - t0;
        yield chunk;
      }
      const t0 = now();
      const tail = tailChunk();
      report.elapsedMs += now() - t0;
      if (tail) yield tail;
    } finally {
      if (!innerDone) await inner.return?.();
      onEnd(report);
      signalEnd();
    }
  }

  const summary = out.summary.then(async (s): Promise<StreamSummary> => {
    // Never iterated (client gone before the first chunk): still never expose unmasked text.
    if (!started) return { ...s, text: maskWhole(s.text, set) };
    await ended;
    const error = report.rejected ? { type: 'invalid_request_error', message: report.rejected.message } : s.error;
    return { ...s, text: firstChoiceText, error };
  });
  return { ...out, chunks: masked(), summary };
}

/** Masks a complete text with the stream rules (a rejected text becomes its message). */
function maskWhole(text: string, set: RuleSet): string {
  const m = createMasker(set.entries, 'response', Infinity);
  const a = m.push(text);
  const b = a.rejected ? a : m.end();
  const rejected = a.rejected ?? b.rejected;
  return rejected ? rejected.message : a.text + b.text;
}
