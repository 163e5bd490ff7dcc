import { SLUICE } from '../../../collector/src/model/semconv.js';
import { GatewayError } from '../errors.js';
import type { RequestCtx } from '../pipeline/context.js';
import type { Outcome } from '../pipeline/outcome.js';
import type { Terminal } from '../pipeline/stage.js';
import { type AttemptDeps, runAttempt } from './attempt.js';
import { primeStream } from './prime-stream.js';
import { resolveModel } from './resolve-model.js';

/**
 * Ordered failover across a model's targets: a retryable failure before the first byte
 * reaches the client moves to the next target; client faults are returned at once.
 */
export function createBasicRouter(deps: AttemptDeps): Terminal {
  return async function route(ctx: RequestCtx): Promise<Outcome> {
    const resolved = resolveModel(ctx.config, ctx.model);
    if (!resolved) throw modelNotFound(ctx.model);
    let last: GatewayError | undefined;
    const path: string[] = [];
    for (let i = 0; i < resolved.targets.length; i++) {
      const target = resolved.targets[i];
      if (ctx.signal.aborted) break;
      ctx.target = target;
      path.push(target.id);
      ctx.attrs[SLUICE.ATTEMPTS] = i + 1;
      try {
        const { outcome } = await runAttempt(ctx, target, i + 1, deps, ctx.signal);
        const ready = outcome.kind === 'stream' ? await primeStream(outcome) : outcome;
        if (i > 0) {
          ctx.attrs[SLUICE.SERVED_BY_BACKUP] = true;
          ctx.attrs[SLUICE.FAILOVER_PATH] = path;
        }
        return ready;
      } catch (err) {
        const ge = err instanceof GatewayError ? err : new GatewayError('GW_UPSTREAM_ERROR', 'upstream call failed', { cause: err, retryable: true });
        if (!ge.retryable) throw ge;
        last = ge;
        ctx.attrs[SLUICE.FAILOVER_REASON] = ge.clientCode ?? ge.code;
      }
    }
    throw last ?? new GatewayError('GW_NO_HEALTHY_TARGET', `no target of model ${ctx.model} could be tried`);
  };
}

export function modelNotFound(model: string): GatewayError {
  return new GatewayError('GW_MODEL_NOT_FOUND', `The model '${model}' does not exist or is not served by this gateway`, {
    clientCode: 'model_not_found', param: 'model',
  });
}
