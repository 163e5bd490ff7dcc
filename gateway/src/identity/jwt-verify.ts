import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions, type ProtectedHeaderParameters } from 'jose';
import type { JwtIssuerConfig } from '../config/sections/auth.js';
import type { SecretSource } from '../config/secret-ref.js';
import { authUnavailable, quoteUntrusted } from './auth-errors.js';
import type { IdentityLogger } from './identity-logger.js';
import { createJwksRegistry } from './jwks-registry.js';
import { jwtFailure } from './jwt-failure.js';
import { staticKeyResolver } from './static-keys.js';

export interface JwtVerifierDeps {
  now: () => number;
  logger: IdentityLogger;
  fetch?: typeof fetch;
  /** Reads static keys given as env/file references. */
  secrets?: SecretSource;
}

export interface JwtVerifier {
  /** Verifies signature, `iss`, `aud`, `exp`/`nbf` (with skew) and algorithm; throws GatewayError. */
  verify(token: string, issuer: JwtIssuerConfig): Promise<JWTPayload>;
}

/** Verifies JWTs against remote JWKS (kept across reloads) or static keys (per config snapshot). */
export function createJwtVerifier(deps: JwtVerifierDeps): JwtVerifier {
  const registry = createJwksRegistry(deps);
  const staticSets = new WeakMap<JwtIssuerConfig, JWTVerifyGetKey | Error>();
  const staticFor = (issuer: JwtIssuerConfig): JWTVerifyGetKey => {
    let set = staticSets.get(issuer);
    if (set === undefined) {
      try {
        set = staticKeyResolver(issuer, deps.secrets, (problem) => deps.logger.warn({ issuer: issuer.issuer, err: problem }, 'static JWT key unusable; verifying with the others'));
      } catch (err) {
        set = err instanceof Error ? err : new Error(String(err));
        deps.logger.warn({ issuer: issuer.issuer, err: set.message }, 'static JWT keys unusable');
      }
      staticSets.set(issuer, set);
    }
    if (set instanceof Error) throw authUnavailable(`cannot verify tokens of issuer ${quoteUntrusted(issuer.issuer)}: ${set.message}`, set);
    return set;
  };

  return {
    async verify(token, issuer) {
      const options: JWTVerifyOptions = {
        issuer: issuer.issuer,
        audience: issuer.audience,
        algorithms: issuer.algorithms,
        clockTolerance: issuer.clockSkewSec,
        currentDate: new Date(deps.now()),
        requiredClaims: issuer.requireExp ? ['exp'] : [],
      };
      let refreshed = false;
      let resolver: JWTVerifyGetKey;
      if (issuer.jwksUrl !== undefined) {
        const remote = registry.keysFor(issuer);
        refreshed = !remote.coolingDown;
        resolver = (header, jws) => remote.resolve(header, jws);
      } else resolver = staticFor(issuer);
      try {
        return await verifyWithAnyKey(token, resolver, options);
      } catch (err) {
        throw jwtFailure(err, { issuer, header: safeHeader(token), refreshed });
      }
    },
  };
}

/**
 * `jose` reports several candidate keys (no `kid`, same key type) as an error carrying an
 * iterator over them; try each until a signature verifies.
 */
async function verifyWithAnyKey(token: string, resolver: JWTVerifyGetKey, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, resolver, options)).payload;
  } catch (err) {
    if (!(err instanceof errors.JWKSMultipleMatchingKeys)) throw err;
    for await (const key of err) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

function safeHeader(token: string): ProtectedHeaderParameters | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}
