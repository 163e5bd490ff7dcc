import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../config/schema.js';
import type { Identity } from '../pipeline/context.js';
import { authInvalid, authMissing } from './auth-errors.js';
import { indexAuth } from './auth-index.js';
import { looksLikeJwt, readCredential } from './credentials.js';
import type { JwtAuthenticator } from './jwt-auth.js';
import { authenticateVirtualKey } from './virtual-key-auth.js';
import type { DigestCompare } from './virtual-key.js';

export interface AuthenticateDeps {
  now: () => number;
  jwt: JwtAuthenticator;
  /** Digest comparison for virtual keys (default: `crypto.timingSafeEqual`). */
  compare?: DigestCompare;
}

/**
 * Establishes who is calling from the request headers and the config snapshot. A JWT-shaped
 * credential goes to the JWT issuers, anything else is a virtual key; no credential (or one
 * no enabled method checks) is the anonymous identity only if the operator enabled it. Throws GatewayError: GW_AUTH_MISSING
 * or GW_AUTH_INVALID (401, with `WWW-Authenticate`), GW_AUTH_UNAVAILABLE (503).
 */
export async function authenticate(headers: IncomingHttpHeaders, config: Config, deps: AuthenticateDeps): Promise<Identity> {
  const index = indexAuth(config.auth);
  const cred = readCredential(headers);
  if (cred.kind === 'malformed') throw authInvalid(cred.reason);
  if (cred.kind === 'none') {
    if (index.anonymous !== undefined) return index.anonymous;
    throw authMissing('missing credentials: send "Authorization: Bearer <key or token>" or "x-api-key: <key>"');
  }
  const isJwt = looksLikeJwt(cred.token);
  const checkable = isJwt ? index.issuers.size > 0 : index.keys.size > 0;
  // SDKs insist on sending some key; with anonymous access on, a credential that no enabled
  // method could check is such a placeholder. A checkable but wrong one is still refused.
  if (!checkable && index.anonymous !== undefined) return index.anonymous;
  if (isJwt) {
    if (!checkable) throw authInvalid('this gateway does not accept JWTs; use a Sluice API key');
    return deps.jwt.authenticate(cred.token, config.auth, index);
  }
  if (!checkable) {
    throw authInvalid(index.issuers.size > 0 ? 'the credential is not a JWT, and this gateway accepts only JWTs' : 'this gateway does not accept API keys');
  }
  return authenticateVirtualKey(cred.token, index, deps.now(), deps.compare);
}

/** Which method a credential would use, for the span of a failed attempt. */
export function attemptedMethod(headers: IncomingHttpHeaders): 'jwt' | 'virtual-key' | 'none' {
  const cred = readCredential(headers);
  if (cred.kind !== 'token') return 'none';
  return looksLikeJwt(cred.token) ? 'jwt' : 'virtual-key';
}
