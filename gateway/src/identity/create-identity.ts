import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../config/schema.js';
import type { SecretSource } from '../config/secret-ref.js';
import type { Identity, RequestCtx } from '../pipeline/context.js';
import type { Stage } from '../pipeline/stage.js';
import { canUseModel, canUseTool, visibleModels } from './access.js';
import { authenticate } from './authenticate.js';
import { authorizeStage } from './authorize-stage.js';
import { type IdentifyCaller, identifyCaller, identifyStage } from './identify-stage.js';
import type { IdentityLogger } from './identity-logger.js';
import { createJwtAuthenticator } from './jwt-auth.js';
import type { Decision } from './policy-evaluate.js';
import { providerKeyFor } from './provider-keys.js';

export interface IdentityDeps {
  now: () => number;
  logger: IdentityLogger;
  /** Used to fetch JWKS (default: global fetch). */
  fetch?: typeof fetch;
  /** Reads JWT static keys given as env/file references. */
  secrets?: SecretSource;
  tokenCacheMaxEntries?: number;
  tokenCacheTtlMs?: number;
}

/** Identity and access for one gateway process; every function reads the config it is given. */
export interface IdentityService {
  identify: Stage;
  /** The identify step before the body is read (what `GatewayFeatures.admit` takes). */
  admit: IdentifyCaller;
  authorize: Stage;
  authenticate(headers: IncomingHttpHeaders, config: Config): Promise<Identity>;
  canUseModel(identity: Identity, model: string, config: Config): Decision;
  canUseTool(identity: Identity, server: string, tool: string, config: Config): Decision;
  visibleModels(identity: Identity, config: Config): string[];
  /** Round-robins over a team's several keys for a provider. */
  providerKeyFor(identity: Identity, provider: string, config: Config, secrets: SecretSource): string | undefined;
  /**
   * The upstream credential for a request: the caller's team key for `provider` (read with
   * `deps.secrets`), or `undefined` for the provider's shared pool. Fits `GatewayFeatures.credentialFor`.
   */
  credentialFor(ctx: RequestCtx, provider: string): string | undefined;
}

const NO_SECRETS: SecretSource = {
  env: {},
  readFile: () => {
    throw new Error('no secret source');
  },
};

/**
 * Creates the long-lived identity state (JWKS key sets, verified-token cache) once per
 * process. Configs are swapped atomically on reload; nothing here holds one, so each
 * request uses its own snapshot (`ctx.config`) and cached keys survive the swap.
 */
export function createIdentity(deps: IdentityDeps): IdentityService {
  const jwt = createJwtAuthenticator(deps);
  const auth = (headers: IncomingHttpHeaders, config: Config): Promise<Identity> => authenticate(headers, config, { now: deps.now, jwt });
  let spread = 0;
  const keyFor = (identity: Identity, provider: string, config: Config, secrets: SecretSource): string | undefined =>
    providerKeyFor(identity, provider, config, secrets, (spread = (spread + 1) % 1_000_000));
  return {
    identify: identifyStage({ authenticate: auth }),
    admit: identifyCaller({ authenticate: auth }),
    authorize: authorizeStage(),
    authenticate: auth,
    canUseModel,
    canUseTool,
    visibleModels,
    providerKeyFor: keyFor,
    credentialFor(ctx, provider) {
      if (ctx.identity === undefined) return undefined;
      // Without a secret source, a team key that is configured reports itself as not set.
      return keyFor(ctx.identity, provider, ctx.config, deps.secrets ?? NO_SECRETS);
    },
  };
}
