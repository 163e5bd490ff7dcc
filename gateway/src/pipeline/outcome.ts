import type { CallTiming, Usage } from './context.js';

/** A complete JSON answer in the client's schema. */
export interface JsonOutcome {
  kind: 'json';
  status: number;
  /** Client-shaped body (OpenAI chat.completion / embeddings list). */
  body: Record<string, unknown>;
  /** The upstream bytes, when `body` is unchanged from them: relayed without re-serialising. */
  raw?: Buffer;
  usage?: Usage;
  timing?: CallTiming;
  /** Headers to pass to the client (e.g. upstream rate-limit headers). */
  headers?: Record<string, string>;
}

/** How a stream ended, known once it has. */
export interface StreamSummary {
  usage?: Usage;
  timing: CallTiming;
  finishReasons: string[];
  responseId?: string;
  responseModel?: string;
  /** Set when the stream ended with an error (already sent to the client as an error event). */
  error?: { type: string; message: string; code?: string };
  /** Text of the first choice, for stages that need it (cache, capture). */
  text: string;
  /** True when the client went away before the end. */
  clientAborted: boolean;
}

/**
 * A streaming answer: OpenAI `chat.completion.chunk` objects. Stages may wrap `chunks`
 * (mask, meter, cut); throwing from the iterator ends the client stream with a terminal
 * SSE error event. `summary` resolves after the last chunk (or the error).
 */
export interface StreamOutcome {
  kind: 'stream';
  status: 200;
  chunks: AsyncIterable<ChatChunk>;
  summary: Promise<StreamSummary>;
  headers?: Record<string, string>;
  /** Whether the client asked for `stream_options.include_usage` (else the usage chunk is dropped). */
  clientWantsUsage: boolean;
}

export type Outcome = JsonOutcome | StreamOutcome;

/** An OpenAI chat.completion.chunk, loosely typed (unknown fields pass through). */
export interface ChatChunk {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices: Array<{
    index: number;
    delta: { role?: string; content?: string | null; tool_calls?: unknown[]; [k: string]: unknown };
    finish_reason?: string | null;
    [k: string]: unknown;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } } | null;
  [k: string]: unknown;
}
