import { GatewayError } from '../errors.js';
import type { Config } from '../config/schema.js';
import { CallerMemo } from '../pipeline/caller-memo.js';
import type { Stage } from '../pipeline/stage.js';
import { canUseModel } from './access.js';
import { setDecisionAttrs } from './identity-attrs.js';
import { describeIdentity } from './identity-builder.js';

/**
 * Refuses (403) a model the caller may not use. The decision, deciding rule and reason go
 * on the span; the client's message names only the caller and the model it asked for,
 * never other models or the rules' internals.
 */
export const authorizeStage = (): Stage => {
  // A decision depends only on the config snapshot, the caller and the model: made once.
  const decisions = new CallerMemo((config: Config, identity, model) => canUseModel(identity, model, config));
  return async function authorize(ctx, next) {
    const identity = ctx.identity;
    if (identity === undefined) throw new GatewayError('GW_INTERNAL', 'authorize stage ran before identify');
    const decision = decisions.get(ctx.config, identity, ctx.model);
    setDecisionAttrs(ctx.attrs, decision);
    if (!decision.allowed) {
      const model = ctx.model.length > 200 ? `${ctx.model.slice(0, 200)}…` : ctx.model;
      throw new GatewayError('GW_PERMISSION_DENIED', `${describeIdentity(identity)} may not use model ${JSON.stringify(model)}`, { param: 'model' });
    }
    return next();
  };
};
