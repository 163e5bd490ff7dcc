import type { JWTPayload } from 'jose';
import type { AuthSection, JwtIssuerConfig } from '../config/sections/auth.js';
import type { Identity } from '../pipeline/context.js';
import { authInvalid } from './auth-errors.js';
import { claimStrings, lookupClaim } from './claim-path.js';
import { parseGrants } from './grants.js';
import { buildIdentity } from './identity-builder.js';

/**
 * Maps a verified token's claims to an identity with the issuer's claim mapping: agent
 * (`sub` by default), team (a claim path), cost center, admin, and the grants claim, whose
 * shape is checked here so a malformed grant is refused (401) rather than ignored.
 */
export function identityFromClaims(payload: JWTPayload, issuer: JwtIssuerConfig, auth: AuthSection): Identity {
  const claim = (path: string): unknown => lookupClaim(payload, path, issuer.claimDelimiter);
  const agent = scalar(claim(issuer.agentClaim));
  if (agent === undefined || agent === '') throw authInvalid(`token has no "${issuer.agentClaim}" claim to identify the agent`);
  const teamValue = claim(issuer.teamClaim);
  const team = scalar(teamValue) ?? singleString(teamValue);
  if (teamValue !== undefined && team === undefined) throw authInvalid(`token claim "${issuer.teamClaim}" must be a string (the team)`);
  if (parseGrants(claim(issuer.grantsClaim)) === null) {
    throw authInvalid(`token claim "${issuer.grantsClaim}" must map provider names to lists of model names`);
  }
  const costCenter = issuer.costCenterClaim === undefined ? undefined : scalar(claim(issuer.costCenterClaim));
  const admin = issuer.adminClaim !== undefined && claimStrings(claim(issuer.adminClaim)).includes(String(issuer.adminValue));
  return buildIdentity(auth, {
    method: 'jwt',
    agent,
    team,
    keyId: typeof payload.jti === 'string' ? payload.jti : undefined,
    costCenter,
    claims: deepFreeze({ ...payload }),
    admin,
  });
}

function scalar(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Some IdPs emit single-valued claims as one-element lists. */
function singleString(v: unknown): string | undefined {
  return Array.isArray(v) && v.length === 1 && typeof v[0] === 'string' ? v[0] : undefined;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
