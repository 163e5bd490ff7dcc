/**
 * One LLM answer as the runner keeps it, built from OpenAI `chat.completion.chunk`s one at a
 * time or from a whole `chat.completion`: text, tool calls, finish reason, usage, and when the
 * tokens came (TTFT and TPOT are taken from those times). Both wires read into it — the
 * Anthropic one after translating its events to OpenAI chunks — so a call is measured the same
 * way whatever API it spoke. Pure.
 */

export interface ToolCallRequest {
  id: string;
  name: string;
  arguments: string;
}

export interface ChatAnswer {
  content: string;
  tools: ToolCallRequest[];
  finish?: string;
  /** When the first and the last chunk carrying a token arrived (the caller's clock). */
  firstMs?: number;
  lastMs?: number;
  /** Chunks that carried a token: the output count when the answer reports no usage. */
  chunks: number;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  error?: { type: string; message: string };
  /** The stream's end marker arrived (or the JSON answer was read). */
  done: boolean;
}

type Delta = { content?: string | null; tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }> };

/** A `chat.completion.chunk`, as far as the runner reads it. */
export interface ChunkFields {
  choices?: Array<{ delta?: Delta; finish_reason?: string | null }>;
  usage?: ChatAnswer['usage'] | null;
}

/** A `chat.completion`, as far as the runner reads it. */
export interface CompletionFields {
  choices?: Array<{ message?: { content?: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> }; finish_reason?: string }>;
  usage?: ChatAnswer['usage'];
}

/** Content kept per answer for the conversation history (longer answers are cut). */
const MAX_CONTENT_CHARS = 256 * 1024;

export const newChatAnswer = (): ChatAnswer => ({ content: '', tools: [], chunks: 0, done: false });

export function applyChatChunk(acc: ChatAnswer, chunk: ChunkFields, nowMs: number): void {
  if (chunk.usage) acc.usage = chunk.usage;
  const choice = chunk.choices?.[0];
  if (!choice) return;
  if (choice.finish_reason) acc.finish = choice.finish_reason;
  const d = choice.delta;
  const hasToken = (typeof d?.content === 'string' && d.content !== '') || (d?.tool_calls?.length ?? 0) > 0;
  if (!hasToken) return;
  acc.firstMs ??= nowMs;
  acc.lastMs = nowMs;
  acc.chunks++;
  if (d?.content && acc.content.length < MAX_CONTENT_CHARS) acc.content += d.content;
  for (const tc of d?.tool_calls ?? []) {
    const i = tc.index ?? 0;
    acc.tools[i] ??= { id: '', name: '', arguments: '' };
    if (tc.id) acc.tools[i].id = tc.id;
    if (tc.function?.name) acc.tools[i].name += tc.function.name;
    if (tc.function?.arguments) acc.tools[i].arguments += tc.function.arguments;
  }
}

export function applyChatCompletion(acc: ChatAnswer, body: CompletionFields, nowMs: number): void {
  const choice = body.choices?.[0];
  acc.content = (choice?.message?.content ?? '').slice(0, MAX_CONTENT_CHARS);
  acc.tools = (choice?.message?.tool_calls ?? []).map((t) => ({ id: t.id, name: t.function.name, arguments: t.function.arguments }));
  acc.finish = choice?.finish_reason;
  acc.usage = body.usage;
  acc.lastMs = nowMs;
  acc.done = true;
}
