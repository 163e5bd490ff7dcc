import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Usage } from '../pipeline/context.js';
import type { ChatChunk, JsonOutcome, StreamOutcome, StreamSummary } from '../pipeline/outcome.js';
import type { CachedAnswer, CachedChoice } from './cached-answer.js';

/** A fresh response id: a cached answer is a new response, not a re-send of the old one. */
const newId = (): string => `chatcmpl-cache-${randomBytes(12).toString('hex')}`;

/** OpenAI `usage` from the original usage (kept for reference; budgets see `sluice.cache.hit`). */
export function openAiUsage(u: Usage): Record<string, unknown> {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedInputTokens },
  };
}

/** A hit for a non-streaming request: a `chat.completion` body. */
export function jsonReply(answer: CachedAnswer, wallNowMs: number, totalMs: number): JsonOutcome {
  const body: Record<string, unknown> = {
    id: newId(),
    object: 'chat.completion',
    created: Math.floor(wallNowMs / 1000),
    model: answer.model,
    // A copy: stages outside the cache may rewrite the body; the cached answer must not change.
    choices: structuredClone(answer.choices.map((c) => ({ index: c.index, message: c.message, logprobs: c.logprobs ?? null, finish_reason: c.finish_reason }))),
    usage: openAiUsage(answer.usage),
  };
  if (answer.systemFingerprint !== undefined) body.system_fingerprint = answer.systemFingerprint;
  return { kind: 'json', status: 200, body, usage: answer.usage, timing: { totalMs } };
}

/** Splits text into pieces of at most `n` characters without cutting a surrogate pair. */
export function pieces(text: string, n: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += n) out.push(chars.slice(i, i + n).join(''));
  return out;
}

type Delta = ChatChunk['choices'][number]['delta'];

/** The deltas that rebuild one cached choice, ending with its finish reason. */
function* choiceDeltas(c: CachedChoice, chunkChars: number): Generator<{ delta: Delta; finish?: string; logprobs?: unknown }> {
  const m = c.message as { role: string; content?: unknown; refusal?: unknown; tool_calls?: unknown; reasoning_content?: unknown; thinking_blocks?: unknown };
  yield { delta: { role: m.role, content: '' } };
  yield* thinkingDeltas(m.reasoning_content, m.thinking_blocks, chunkChars);
  let first = true;
  if (typeof m.content === 'string') {
    for (const p of pieces(m.content, chunkChars)) {
      yield { delta: { content: p }, ...(first && c.logprobs !== undefined ? { logprobs: c.logprobs } : {}) };
      first = false;
    }
  }
  if (typeof m.refusal === 'string') for (const p of pieces(m.refusal, chunkChars)) yield { delta: { refusal: p } };
  if (Array.isArray(m.tool_calls)) {
    let index = 0;
    for (const tc of m.tool_calls as Array<{ id?: string; type?: string; function?: { name?: string; arguments?: string } }>) {
      const name = tc.function?.name ?? '';
      yield { delta: { tool_calls: [{ index, id: tc.id, type: tc.type ?? 'function', function: { name, arguments: '' } }] } };
      for (const p of pieces(tc.function?.arguments ?? '', chunkChars)) yield { delta: { tool_calls: [{ index, function: { arguments: p } }] } };
      index++;
    }
  }
  yield { delta: {}, finish: c.finish_reason };
}

/**
 * Reasoning as it streamed: with signed `thinking_blocks`, each block's text then its
 * signature (what an Anthropic client needs back in a tool loop), redacted blocks whole;
 * else plain `reasoning_content`.
 */
function* thinkingDeltas(reasoning: unknown, blocks: unknown, chunkChars: number): Generator<{ delta: Delta }> {
  let signed = '';
  if (Array.isArray(blocks)) {
    for (const b of blocks as Array<Record<string, unknown>>) {
      if (b.type === 'thinking') {
        const text = String(b.thinking ?? '');
        signed += text;
        for (const p of pieces(text, chunkChars)) yield { delta: { reasoning_content: p } };
        yield { delta: { thinking_blocks: [{ type: 'thinking', thinking: '', signature: b.signature }] } };
      } else {
        yield { delta: { thinking_blocks: [b] } };
      }
    }
  }
  // Reasoning no signature closed (or from a provider that signs none).
  if (typeof reasoning === 'string' && reasoning.startsWith(signed)) {
    for (const p of pieces(reasoning.slice(signed.length), chunkChars)) yield { delta: { reasoning_content: p } };
  }
}

export interface ReplayOptions {
  chunkChars: number;
  paceMs: number;
  wallNowMs: number;
  now: () => number;
  receivedAtMs: number;
  clientWantsUsage: boolean;
  signal: AbortSignal;
}

/**
 * A hit for a streaming request: a proper `chat.completion.chunk` stream rebuilt from the
 * cached message (role, content pieces, tool call fragments, finish reason, usage last),
 * optionally paced. The summary resolves when the replay ends or is abandoned.
 */
export function streamReply(answer: CachedAnswer, o: ReplayOptions): StreamOutcome {
  const id = newId();
  const created = Math.floor(o.wallNowMs / 1000);
  const base = { id, object: 'chat.completion.chunk', created, model: answer.model, ...(answer.systemFingerprint !== undefined ? { system_fingerprint: answer.systemFingerprint } : {}) };
  let resolve!: (s: StreamSummary) => void;
  const summary = new Promise<StreamSummary>((r) => (resolve = r));
  let ttftMs: number | undefined;
  let settled = false;
  const settle = (completed: boolean) => {
    if (settled) return;
    settled = true;
    const totalMs = o.now() - o.receivedAtMs;
    const out = answer.usage.outputTokens;
    const first = answer.choices[0]?.message as { content?: unknown } | undefined;
    resolve({
      usage: answer.usage,
      timing: { ttftMs, totalMs, tpotMs: ttftMs !== undefined && out > 1 ? (totalMs - ttftMs) / (out - 1) : undefined },
      finishReasons: completed ? answer.choices.map((c) => c.finish_reason) : [],
      responseId: id,
      responseModel: answer.model,
      text: typeof first?.content === 'string' ? first.content : '',
      clientAborted: !completed && o.signal.aborted,
      ...(completed || o.signal.aborted ? {} : { error: { type: 'api_error', message: 'cached stream abandoned' } }),
    });
  };

  async function* replay(): AsyncGenerator<ChatChunk> {
    let completed = false;
    try {
      for (const c of answer.choices) {
        for (const d of choiceDeltas(c, o.chunkChars)) {
          if (o.signal.aborted) return;
          if (o.paceMs > 0) await sleep(o.paceMs, undefined, { signal: o.signal }).catch(() => undefined);
          if (ttftMs === undefined && (d.delta.content || d.delta.tool_calls)) ttftMs = o.now() - o.receivedAtMs;
          yield { ...base, choices: [{ index: c.index, delta: d.delta, logprobs: d.logprobs ?? null, finish_reason: d.finish ?? null }] };
        }
      }
      yield { ...base, choices: [], usage: openAiUsage(answer.usage) as ChatChunk['usage'] };
      completed = true;
    } finally {
      settle(completed);
    }
  }

  const gen = replay();
  let started = false;
  return {
    kind: 'stream',
    status: 200,
    clientWantsUsage: o.clientWantsUsage,
    summary,
    chunks: {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          started = true;
          return gen.next();
        },
        // A consumer that stops before the first pull never enters the generator's finally.
        return: async (v?: unknown) => {
          const r = await gen.return(v as never);
          if (!started) settle(false);
          return r;
        },
        throw: (e?: unknown) => gen.throw(e),
      }),
    },
  };
}
