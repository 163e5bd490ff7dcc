import type { RequestCtx, Target } from '../pipeline/context.js';
import { chatToMessagesRequest } from './anthropic/messages-request.js';
import { withoutAnthropicExtensions } from './anthropic-extensions.js';
import type { ProviderRuntime } from './provider-registry.js';

export interface UpstreamHttpRequest {
  path: string;
  headers: Record<string, string>;
  /** The body as sent (serialised once). */
  body: string;
  /** The same body as an object (for metering; never re-parsed). */
  json: Record<string, unknown>;
  /** Request fields the upstream's API has no place for, left out (recorded on the attempt span). */
  dropped?: string[];
}

/** Headers propagated from the client to upstreams (trace context only; never credentials). */
const PROPAGATED = ['traceparent', 'tracestate'] as const;
/** The simulator's per-request controls, forwarded to `sim` providers by default. */
const SIM_HEADERS = ['x-sim-fault', 'x-sim-seed'];

/**
 * Builds the HTTP request for an OpenAI-compatible upstream (OpenAI, Azure OpenAI, vLLM,
 * Ollama, the simulator). Pure: the caller supplies the credential.
 */
export function buildOpenAiRequest(
  ctx: RequestCtx,
  provider: ProviderRuntime,
  target: Target,
  endpoint: 'chat/completions' | 'embeddings',
  credential: string | undefined,
  traceHeaders: Record<string, string>,
): UpstreamHttpRequest {
  let body = endpoint === 'chat/completions' ? chatBodyFor(ctx, target) : { ...ctx.body, model: target.upstreamModel };
  // What an Anthropic client sent for Anthropic's sake (extended thinking, signed thinking
  // history, cache breakpoints) is left out here rather than refused by the upstream, and
  // recorded. OpenAI clients' fields all pass through untouched.
  let dropped: string[] | undefined;
  if (ctx.api === 'anthropic') {
    const stripped = withoutAnthropicExtensions(body);
    body = stripped.body;
    if (stripped.dropped.length > 0) dropped = stripped.dropped;
  }
  const headers = upstreamHeaders(ctx, provider, target, traceHeaders);
  let path: string;
  if (provider.config.kind === 'azure-openai') {
    const version = provider.config.azure?.apiVersion ?? '2024-10-21';
    path = `${provider.basePath}/openai/deployments/${encodeURIComponent(target.upstreamModel)}/${endpoint}?api-version=${encodeURIComponent(version)}`;
    delete body.model;
    if (credential) headers['api-key'] = credential;
  } else {
    path = `${provider.basePath}/${endpoint}`;
    if (credential) headers.authorization = `Bearer ${credential}`;
  }
  return { path, headers, body: JSON.stringify(body), json: body, dropped };
}

/** Anthropic's API version header when the provider's config names none. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/**
 * Builds the HTTP request for an upstream speaking Anthropic Messages (`POST {base}/messages`,
 * `x-api-key`, `anthropic-version`). `json` stays the OpenAI-shaped body, which metering
 * counts; `dropped` lists the fields Anthropic has no place for (undefined when none).
 */
export function buildAnthropicRequest(
  ctx: RequestCtx,
  provider: ProviderRuntime,
  target: Target,
  credential: string | undefined,
  traceHeaders: Record<string, string>,
): UpstreamHttpRequest {
  const chat = chatBodyFor(ctx, target);
  const settings = provider.config.anthropic;
  const apiVersion = settings?.version ?? DEFAULT_ANTHROPIC_VERSION;
  const { body, dropped } = chatToMessagesRequest(chat, target.upstreamModel, { defaultMaxTokens: settings?.defaultMaxTokens ?? 4096, apiVersion });
  const headers = upstreamHeaders(ctx, provider, target, traceHeaders);
  headers['anthropic-version'] = apiVersion;
  if (credential) headers['x-api-key'] = credential;
  return { path: `${provider.basePath}/messages`, headers, body: JSON.stringify(body), json: chat, dropped: dropped.length > 0 ? dropped : undefined };
}

/** The chat body for a target: its upstream model, its max-tokens cap, usage asked of streams. */
function chatBodyFor(ctx: RequestCtx, target: Target): Record<string, unknown> {
  const body: Record<string, unknown> = { ...ctx.body, model: target.upstreamModel };
  if (target.maxTokensOverride !== undefined) {
    const asked = (body.max_completion_tokens ?? body.max_tokens) as number | undefined;
    if (asked === undefined || asked > target.maxTokensOverride) {
      if (body.max_completion_tokens !== undefined) body.max_completion_tokens = target.maxTokensOverride;
      else body.max_tokens = target.maxTokensOverride;
    }
  }
  // Ask every streaming upstream for usage, so streams are metered from reported counts.
  if (ctx.stream) body.stream_options = { ...(body.stream_options as object | undefined), include_usage: true };
  return body;
}

/** Headers every upstream request carries: content negotiation, configured, forwarded, trace context. */
function upstreamHeaders(ctx: RequestCtx, provider: ProviderRuntime, target: Target, traceHeaders: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: ctx.stream ? 'text/event-stream' : 'application/json',
    ...provider.config.headers,
    ...target.headers,
  };
  for (const h of provider.config.forwardHeaders ?? (provider.config.kind === 'sim' ? SIM_HEADERS : [])) {
    const v = ctx.headers[h];
    if (typeof v === 'string' && h !== 'authorization' && h !== 'x-api-key') headers[h] = v;
  }
  for (const h of PROPAGATED) {
    const v = traceHeaders[h] ?? ctx.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  headers['x-request-id'] = ctx.requestId;
  return headers;
}
