import { GatewayError } from '../errors.js';
import type { Stage } from '../pipeline/stage.js';

/**
 * Test support (no test framework inside): a stand-in identify stage that takes the caller's
 * team and agent from `x-test-team` / `x-test-agent` (the identity feature is wired by the
 * lead), and a response guard that rejects when asked to by `x-test-reject`.
 */
export const headerIdentity: Stage = async function identify(ctx, next) {
  const team = ctx.headers['x-test-team'];
  const agent = ctx.headers['x-test-agent'];
  ctx.identity = { method: 'virtual-key', agent: typeof agent === 'string' ? agent : 'agent-default', ...(typeof team === 'string' ? { team } : {}) };
  return next();
};

export const rejectOnHeader: Stage = async function guardResponse(ctx, next) {
  const out = await next();
  if (ctx.headers['x-test-reject'] === undefined) return out;
  const refuse = () => new GatewayError('GW_GUARDRAIL_REJECTED', 'response refused by a test guardrail');
  if (out.kind === 'json') throw refuse();
  const source = out.chunks;
  async function* cut() {
    let n = 0;
    for await (const c of source) {
      if (++n > 2) throw refuse();
      yield c;
    }
  }
  return { ...out, chunks: cut() };
};
