import type { InputCount } from '../metering/input-count.js';
import type { Cancellation } from './cancellation.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { Span } from '@opentelemetry/api';
import type { Config } from '../config/schema.js';

/** Who is calling, as established by the identify stage. Never holds a secret. */
export interface Identity {
  method: 'anonymous' | 'virtual-key' | 'jwt';
  agent: string;
  team?: string;
  /** Virtual key id (never the key) or JWT `jti`. */
  keyId?: string;
  costCenter?: string;
  claims?: Readonly<Record<string, unknown>>;
  /** May see everyone's budgets and use admin endpoints. */
  admin?: boolean;
}

export type ApiFlavor = 'openai' | 'anthropic';
export type Operation = 'chat' | 'embeddings';
export type AttrValue = string | number | boolean | string[] | number[];

/** Token usage of one call. `estimated` when counted by the gateway, not reported upstream. */
export interface Usage {
  /** All prompt tokens, cache reads and writes included. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens read from the provider's prompt cache. */
  cachedInputTokens: number;
  /** Prompt tokens written to the provider's prompt cache (Anthropic reports them; priced apart). */
  cacheWriteInputTokens?: number;
  /** Of the cache writes, those kept for one hour (Anthropic's `ephemeral_1h_input_tokens`; dearer than 5-minute writes). */
  cacheWrite1hInputTokens?: number;
  estimated: boolean;
}

/** Timing of one call, in ms since the gateway received the request. */
export interface CallTiming {
  ttftMs?: number;
  tpotMs?: number;
  totalMs: number;
}

/** A resolved place to send the request: provider runtime + upstream model. */
export interface Target {
  /** `provider/model`, unique within a group. */
  id: string;
  provider: string;
  upstreamModel: string;
  weight: number;
  contextWindow?: number;
  maxTokensOverride?: number;
  headers: Readonly<Record<string, string>>;
}

/** A span event recorded by a stage (guardrail hit, soft budget threshold, …). */
export interface CtxEvent {
  name: string;
  attributes: Record<string, AttrValue>;
  timeMs: number;
}

/**
 * Per-request state handed through the pipeline. Stages read what earlier stages set and
 * add their own facts to `attrs` (span attributes) and `responseHeaders`.
 */
export interface RequestCtx {
  readonly requestId: string;
  readonly api: ApiFlavor;
  readonly operation: Operation;
  /** Path as received (e.g. /v1/chat/completions). */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The config snapshot this request started with (hot reload never changes it mid-flight). */
  readonly config: Config;
  /** Cancelled when the client goes away (the hot path's flag and listeners). */
  readonly cancel: Cancellation;
  /** The same as an AbortSignal, for APIs that need one (made on first use). */
  readonly signal: AbortSignal;
  /** Gateway receive time (ms, from `now()`). */
  readonly receivedAtMs: number;
  readonly now: () => number;
  /** OpenAI-shaped request body (the canonical form inside the pipeline). Stages may rewrite it. */
  body: Record<string, unknown>;
  /** Model name to serve: the client's, unless a stage changed it (soft-threshold downgrade). */
  model: string;
  readonly stream: boolean;
  identity?: Identity;
  /** The group's targets after routing decided (first = preferred). */
  target?: Target;
  /** SERVER span attributes; stages add under sluice.* / gen_ai.* (names in semconv.ts). */
  readonly attrs: Record<string, AttrValue>;
  readonly events: CtxEvent[];
  /** Extra headers for the client response (rate-limit, warnings, cache status). */
  readonly responseHeaders: Record<string, string>;
  /** The request's SERVER span (children: one CLIENT span per upstream attempt). */
  readonly span: Span | undefined;
  /** Input tokens of `body` as last counted (`inputCountOf`; shared by rate limits and budgets). */
  inputCount?: InputCount;
}
