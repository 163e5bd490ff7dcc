import type { IncomingHttpHeaders } from 'node:http';
import { SLUICE } from '../../../collector/src/model/semconv.js';
import type { Config } from '../config/schema.js';
import { toGatewayError } from '../errors.js';
import type { Identity } from '../pipeline/context.js';
import type { Stage } from '../pipeline/stage.js';
import { attemptedMethod } from './authenticate.js';
import { setIdentityAttrs } from './identity-attrs.js';

export interface IdentifyDeps {
  authenticate(headers: IncomingHttpHeaders, config: Config): Promise<Identity>;
}

/**
 * Sets `ctx.identity` and the identity span attributes; refuses with 401 (missing or bad
 * credentials) or 503 (keys unavailable). A refusal is recorded on the span too, with the
 * method that was attempted and the reason.
 */
export const identifyStage = (deps: IdentifyDeps): Stage =>
  async function identify(ctx, next) {
    let identity: Identity;
    try {
      identity = await deps.authenticate(ctx.headers, ctx.config);
    } catch (err) {
      const gwErr = toGatewayError(err);
      ctx.attrs[SLUICE.AUTH_METHOD] = attemptedMethod(ctx.headers);
      ctx.attrs[SLUICE.AUTHZ_DECISION] = gwErr.status === 401 ? 'deny' : 'error';
      ctx.attrs[SLUICE.AUTHZ_RULE] = 'authentication';
      ctx.attrs[SLUICE.AUTHZ_REASON] = gwErr.message;
      throw gwErr;
    }
    ctx.identity = identity;
    setIdentityAttrs(ctx.attrs, identity);
    return next();
  };
