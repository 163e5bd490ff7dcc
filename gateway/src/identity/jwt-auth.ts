import { decodeJwt } from 'jose';
import type { AuthSection, JwtIssuerConfig } from '../config/sections/auth.js';
import type { Identity } from '../pipeline/context.js';
import { authInvalid, quoteUntrusted } from './auth-errors.js';
import type { AuthIndex } from './auth-index.js';
import { identityFromClaims } from './jwt-identity.js';
import { createJwtVerifier, type JwtVerifierDeps } from './jwt-verify.js';
import { TokenCache, tokenCacheKey } from './token-cache.js';

export interface JwtAuthDeps extends JwtVerifierDeps {
  /** Verified tokens kept; default 10 000. */
  tokenCacheMaxEntries?: number;
  /** How long a verified token is trusted without re-verifying; default 60 s. */
  tokenCacheTtlMs?: number;
}

export interface JwtAuthenticator {
  authenticate(token: string, auth: AuthSection, index: AuthIndex): Promise<Identity>;
}

/**
 * JWT authentication with a short-lived cache of verified tokens (keyed by the token's
 * hash), so the hot path is one SHA-256 and a map lookup. The TTL bounds how long a key
 * removed from the JWKS keeps working for tokens already seen.
 */
export function createJwtAuthenticator(deps: JwtAuthDeps): JwtAuthenticator {
  const verifier = createJwtVerifier(deps);
  const cache = new TokenCache<Identity>(deps.tokenCacheMaxEntries ?? 10_000);
  const ttlMs = deps.tokenCacheTtlMs ?? 60_000;
  return {
    async authenticate(token, auth, index) {
      const key = tokenCacheKey(token);
      const hit = cache.get(key, auth, deps.now());
      if (hit !== undefined) return hit;
      const issuer = issuerOf(token, index);
      const payload = await verifier.verify(token, issuer);
      const identity = identityFromClaims(payload, issuer, auth);
      const nowMs = deps.now();
      const expMs = typeof payload.exp === 'number' ? (payload.exp + issuer.clockSkewSec) * 1000 : Infinity;
      cache.set(key, auth, identity, Math.min(nowMs + ttlMs, expMs));
      return identity;
    },
  };
}

/** Picks the issuer's settings from the (not yet verified) `iss`; verification re-checks it. */
function issuerOf(token: string, index: AuthIndex): JwtIssuerConfig {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch (err) {
    throw authInvalid(`malformed token: ${err instanceof Error ? err.message : 'cannot be decoded'}`, err);
  }
  if (iss === undefined) throw authInvalid('token has no "iss" claim');
  const issuer = typeof iss === 'string' ? index.issuers.get(iss) : undefined;
  if (issuer === undefined) throw authInvalid(`issuer ${quoteUntrusted(iss)} is not accepted`);
  return issuer;
}
