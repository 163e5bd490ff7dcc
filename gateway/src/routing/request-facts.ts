import { inputCountOf } from '../metering/input-count.js';
import type { RequestCtx } from '../pipeline/context.js';
import type { RequestFacts } from './rule-match.js';

/** The output tokens a chat request asks for at most (`max_completion_tokens` / `max_tokens`), or 0. */
export function requestedOutputTokens(body: Record<string, unknown>): number {
  const v = body.max_completion_tokens ?? body.max_tokens;
  return typeof v === 'number' && v > 0 ? v : 0;
}

/**
 * Facts about `ctx` for routing rules; tokens are counted only when asked, once per body
 * (the count budgets and rate limits share).
 */
export function requestFacts(ctx: RequestCtx): RequestFacts {
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
    inputTokens: () => inputCountOf(ctx).exact(),
    hasTools: Array.isArray(ctx.body.tools) && ctx.body.tools.length > 0,
    stream: ctx.stream,
    attrs: ctx.attrs,
  };
}
