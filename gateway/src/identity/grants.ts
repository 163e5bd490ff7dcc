import type { AuthSection } from '../config/sections/auth.js';
import type { Identity } from '../pipeline/context.js';
import { indexAuth } from './auth-index.js';
import { lookupClaim } from './claim-path.js';
import { compileGlobs, type Matcher } from './glob.js';

/** A token's model grants: provider → matcher over model names (`{"openai": ["gpt-4"]}`). */
export type Grants = ReadonlyMap<string, Matcher>;

/**
 * Reads a grants claim: `undefined` when absent (no narrowing), `null` when present but not
 * an object of string lists (callers fail closed), else compiled matchers.
 */
export function parseGrants(value: unknown): Grants | undefined | null {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const grants = new Map<string, Matcher>();
  for (const [provider, models] of Object.entries(value)) {
    if (!Array.isArray(models) || !models.every((m) => typeof m === 'string')) return null;
    grants.set(provider, models.length === 0 ? () => false : compileGlobs(models as string[]));
  }
  return grants;
}

const memo = new WeakMap<object, { auth: AuthSection; grants: Grants | undefined | null }>();

/**
 * The grants that narrow what `identity` may use, read from its token with its issuer's
 * `grantsClaim`. A JWT identity whose issuer is no longer configured gets `null` (deny).
 */
export function grantsFor(identity: Identity, auth: AuthSection): Grants | undefined | null {
  if (identity.method !== 'jwt' || identity.claims === undefined) return undefined;
  const claims = identity.claims;
  const hit = memo.get(claims);
  if (hit !== undefined && hit.auth === auth) return hit.grants;
  const issuer = typeof claims.iss === 'string' ? indexAuth(auth).issuers.get(claims.iss) : undefined;
  const grants = issuer === undefined ? null : parseGrants(lookupClaim(claims, issuer.grantsClaim, issuer.claimDelimiter));
  memo.set(claims, { auth, grants });
  return grants;
}
