import type { RequestCtx } from './context.js';
import type { Outcome } from './outcome.js';

/**
 * One step of the request path. A stage may refuse (throw `GatewayError`), answer without
 * calling `next` (cache hit), or call `next` and post-process the outcome (settle a budget,
 * mask a stream). Stages never write to the socket.
 */
export type Stage = (ctx: RequestCtx, next: () => Promise<Outcome>) => Promise<Outcome>;

/** The innermost handler: performs the upstream call(s). */
export type Terminal = (ctx: RequestCtx) => Promise<Outcome>;

/** Runs `stages` in order around `terminal`; guards against `next()` called twice. */
export function compose(stages: readonly Stage[], terminal: Terminal): (ctx: RequestCtx) => Promise<Outcome> {
  return function run(ctx) {
    let index = -1;
    const dispatch = (i: number): Promise<Outcome> => {
      if (i <= index) return Promise.reject(new Error('next() called multiple times'));
      index = i;
      const stage = stages[i];
      if (stage === undefined) return terminal(ctx);
      return stage(ctx, () => dispatch(i + 1));
    };
    return dispatch(0);
  };
}
