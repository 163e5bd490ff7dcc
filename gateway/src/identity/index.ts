/** Identity and access: virtual keys, JWT/JWKS, policy rules, per-team provider keys. */
export { createIdentity, type IdentityDeps, type IdentityService } from './create-identity.js';
export { authenticate, type AuthenticateDeps } from './authenticate.js';
export { createJwtAuthenticator, type JwtAuthDeps, type JwtAuthenticator } from './jwt-auth.js';
export { canUseModel, canUseTool, visibleModels } from './access.js';
export type { Decision, Resource } from './policy-evaluate.js';
export { providerKeyFor, allTeamProviderKeys } from './provider-keys.js';
export { identifyCaller, identifyStage, type IdentifyCaller, type IdentifyDeps } from './identify-stage.js';
export { authorizeStage } from './authorize-stage.js';
export { setIdentityAttrs, setDecisionAttrs } from './identity-attrs.js';
export { describeIdentity } from './identity-builder.js';
export type { IdentityLogger } from './identity-logger.js';
export { generateVirtualKey, hashVirtualKey, defaultKeyId, VIRTUAL_KEY_PREFIX } from './virtual-key.js';
export { parseDurationMs } from './duration.js';
