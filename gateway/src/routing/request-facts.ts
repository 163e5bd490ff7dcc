import { countTextTokens, estimateInputTokens } from '../metering/count-tokens.js';
import type { RequestCtx } from '../pipeline/context.js';
import type { RequestFacts } from './rule-match.js';

/** Counted input tokens of a chat or embeddings request (gpt-tokenizer; an estimate for non-OpenAI models). */
export function countRequestTokens(ctx: Pick<RequestCtx, 'operation' | 'body'>): number {
  if (ctx.operation === 'chat') return estimateInputTokens(ctx.body);
  const input = ctx.body.input;
  if (typeof input === 'string') return countTextTokens(input);
  if (!Array.isArray(input)) return 0;
  let n = 0;
  for (const item of input) n += typeof item === 'string' ? countTextTokens(item) : Array.isArray(item) ? item.length : 1;
  return n;
}

/** The output tokens a chat request asks for at most (`max_completion_tokens` / `max_tokens`), or 0. */
export function requestedOutputTokens(body: Record<string, unknown>): number {
  const v = body.max_completion_tokens ?? body.max_tokens;
  return typeof v === 'number' && v > 0 ? v : 0;
}

/** Facts about `ctx` for routing rules; tokens are counted at most once, and only when asked. */
export function requestFacts(ctx: RequestCtx): RequestFacts {
  let tokens: number | undefined;
  const q = ctx.path.indexOf('?');
  return {
    header: (name) => {
      const v = ctx.headers[name];
      return Array.isArray(v) ? v[0] : v;
    },
    team: ctx.identity?.team,
    agent: ctx.identity?.agent,
    claims: ctx.identity?.claims,
    path: q === -1 ? ctx.path : ctx.path.slice(0, q),
    inputTokens: () => (tokens ??= countRequestTokens(ctx)),
    hasTools: Array.isArray(ctx.body.tools) && ctx.body.tools.length > 0,
    stream: ctx.stream,
    attrs: ctx.attrs,
  };
}
