import type { IncomingHttpHeaders } from 'node:http';
import { SLUICE } from '../../../collector/src/model/semconv.js';
import type { Config } from '../config/schema.js';
import { toGatewayError } from '../errors.js';
import type { AttrValue, Identity } from '../pipeline/context.js';
import type { Stage } from '../pipeline/stage.js';
import { attemptedMethod } from './authenticate.js';
import { setIdentityAttrs } from './identity-attrs.js';

export interface IdentifyDeps {
  authenticate(headers: IncomingHttpHeaders, config: Config): Promise<Identity>;
}

/** Establishes the caller from request headers, recording the outcome in span attributes. */
export type IdentifyCaller = (headers: IncomingHttpHeaders, config: Config, attrs: Record<string, AttrValue>) => Promise<Identity>;

/**
 * Authenticates from the headers alone, so the gateway can do it before reading a body:
 * sets the identity span attributes, or refuses with 401 (missing or bad credentials) or 503
 * (keys unavailable) after recording the method that was attempted and the reason.
 */
export const identifyCaller = (deps: IdentifyDeps): IdentifyCaller =>
  async function identifyCaller(headers, config, attrs) {
    let identity: Identity;
    try {
      identity = await deps.authenticate(headers, config);
    } catch (err) {
      const gwErr = toGatewayError(err);
      attrs[SLUICE.AUTH_METHOD] = attemptedMethod(headers);
      attrs[SLUICE.AUTHZ_DECISION] = gwErr.status === 401 ? 'deny' : 'error';
      attrs[SLUICE.AUTHZ_RULE] = 'authentication';
      attrs[SLUICE.AUTHZ_REASON] = gwErr.message;
      throw gwErr;
    }
    setIdentityAttrs(attrs, identity);
    return identity;
  };

/** `identifyCaller` as a pipeline stage (sets `ctx.identity`), for pipelines composed by hand. */
export const identifyStage = (deps: IdentifyDeps): Stage => {
  const identify = identifyCaller(deps);
  return async function identifyStage(ctx, next) {
    ctx.identity = await identify(ctx.headers, ctx.config, ctx.attrs);
    return next();
  };
};
