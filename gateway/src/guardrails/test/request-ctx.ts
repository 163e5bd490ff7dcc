import type { Config } from '../../config/schema.js';
import { GuardrailsSectionSchema } from '../../config/sections/guardrails.js';
import { TemplatesSectionSchema } from '../../config/sections/templates.js';
import type { Identity, RequestCtx } from '../../pipeline/context.js';
import type { ChatChunk, JsonOutcome, Outcome, StreamOutcome, StreamSummary } from '../../pipeline/outcome.js';
import { Cancellation } from '../../pipeline/cancellation.js';

/**
 * Test helpers: a hand-built RequestCtx whose config holds only the guardrails and
 * templates sections (what these stages read), and hand-built outcomes.
 */
export interface TestCtxInput {
  guardrails?: unknown;
  templates?: unknown;
  body?: Record<string, unknown>;
  path?: string;
  model?: string;
  stream?: boolean;
  identity?: Identity;
  headers?: Record<string, string>;
  operation?: 'chat' | 'embeddings';
}

export function testCtx(input: TestCtxInput = {}): RequestCtx {
  const config = {
    guardrails: GuardrailsSectionSchema.parse(input.guardrails ?? {}),
    templates: TemplatesSectionSchema.parse(input.templates ?? {}),
  } as unknown as Config;
  let clock = 1_000;
  const model = input.model ?? 'gpt-test';
  return {
    requestId: 'req-test',
    api: 'openai',
    operation: input.operation ?? 'chat',
    path: input.path ?? '/v1/chat/completions',
    headers: input.headers ?? {},
    config,
    cancel: new Cancellation(),
    signal: new AbortController().signal,
    receivedAtMs: clock,
    now: () => clock++,
    body: input.body ?? { model, messages: [] },
    model,
    stream: input.stream ?? false,
    identity: input.identity,
    attrs: {},
    events: [],
    responseHeaders: {},
    span: undefined,
  };
}

/** A chat.completion JSON outcome with one choice per content string. */
export function jsonOutcome(...contents: string[]): JsonOutcome {
  return {
    kind: 'json',
    status: 200,
    body: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-test',
      choices: contents.map((content, index) => ({ index, message: { role: 'assistant', content }, finish_reason: 'stop' })),
    },
    raw: Buffer.from('{}'),
  };
}

/** A stream outcome from text pieces of choice 0 (a role chunk first, a finish chunk last). */
export function streamOutcome(pieces: readonly string[], finish = true): StreamOutcome {
  const base = { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model: 'gpt-test' };
  const chunks: ChatChunk[] = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    ...pieces.map((content) => ({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] })),
    ...(finish ? [{ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }] : []),
  ];
  let resolve: (s: StreamSummary) => void = () => {};
  const summary = new Promise<StreamSummary>((r) => (resolve = r));
  async function* gen(): AsyncGenerator<ChatChunk> {
    try {
      for (const c of chunks) yield c;
    } finally {
      resolve({ timing: { totalMs: 1 }, finishReasons: finish ? ['stop'] : [], text: pieces.join(''), clientAborted: false });
    }
  }
  return { kind: 'stream', status: 200, chunks: gen(), summary, clientWantsUsage: false };
}

/** Reads a stream outcome to the end: the concatenated content of choice 0, or the error thrown. */
export async function drainStream(out: Outcome): Promise<{ text: string; chunks: ChatChunk[]; error?: unknown }> {
  if (out.kind !== 'stream') throw new Error('not a stream');
  const chunks: ChatChunk[] = [];
  try {
    for await (const c of out.chunks) chunks.push(c);
  } catch (error) {
    return { text: textOf(chunks), chunks, error };
  }
  return { text: textOf(chunks), chunks };
}

const textOf = (chunks: readonly ChatChunk[]): string =>
  chunks.flatMap((c) => c.choices.filter((ch) => ch.index === 0).map((ch) => ch.delta.content ?? '')).join('');
