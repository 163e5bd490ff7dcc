import { errors, type ProtectedHeaderParameters } from 'jose';
import type { JwtIssuerConfig } from '../config/sections/auth.js';
import type { GatewayError } from '../errors.js';
import { authInvalid, authUnavailable, quoteUntrusted } from './auth-errors.js';
import { JwksUnavailableError } from './jwks-registry.js';

export interface FailureContext {
  issuer: JwtIssuerConfig;
  header: ProtectedHeaderParameters | undefined;
  /** Whether the JWKS was refetched for this token (false while cooling down or for static keys). */
  refreshed: boolean;
}

/**
 * Turns a `jose` failure into a 401 whose message tells the developer what to fix
 * ("token expired at …"), or a 503 when the keys cannot be fetched. Never includes the
 * token or a stack trace; values read from the token are quoted and truncated.
 */
export function jwtFailure(err: unknown, ctx: FailureContext): GatewayError {
  const iss = quoteUntrusted(ctx.issuer.issuer);
  if (err instanceof JwksUnavailableError) {
    const kid = ctx.header?.kid === undefined ? '' : ` for kid ${quoteUntrusted(ctx.header.kid)}`;
    return err.hadKeys
      ? authUnavailable(`no cached key${kid} of issuer ${iss}, and ${err.message}`, err)
      : authUnavailable(`cannot verify tokens of issuer ${iss}: ${err.message}, and no keys are cached`, err);
  }
  if (err instanceof errors.JWTExpired) return authInvalid(`token expired at ${isoOf(err.payload.exp)}`, err);
  if (err instanceof errors.JWTClaimValidationFailed) return claimFailure(err, ctx.issuer);
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return authInvalid(`algorithm ${quoteUntrusted(ctx.header?.alg)} is not accepted for issuer ${iss} (accepted: ${ctx.issuer.algorithms.join(', ')})`, err);
  }
  if (err instanceof errors.JWKSNoMatchingKey) return authInvalid(noKeyMessage(ctx, iss), err);
  if (err instanceof errors.JWSSignatureVerificationFailed) return authInvalid('token signature verification failed', err);
  if (err instanceof errors.JOSENotSupported) return authInvalid(`token uses an unsupported algorithm or key type (${err.message})`, err);
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return authInvalid(`malformed token: ${err.message}`, err);
  return authInvalid('token could not be verified', err);
}

function claimFailure(err: InstanceType<typeof errors.JWTClaimValidationFailed>, issuer: JwtIssuerConfig): GatewayError {
  if (err.reason === 'missing') return authInvalid(`token has no "${err.claim}" claim, which issuer ${quoteUntrusted(issuer.issuer)} requires`, err);
  switch (err.claim) {
    case 'nbf':
      return authInvalid(`token is not valid before ${isoOf(err.payload.nbf)}`, err);
    case 'aud':
      return authInvalid(`token audience ${quoteUntrusted(err.payload.aud)} is not accepted (expected ${quoteUntrusted(issuer.audience)})`, err);
    case 'iss':
      return authInvalid(`issuer ${quoteUntrusted(err.payload.iss)} is not accepted`, err);
    default:
      return authInvalid(`token claim "${err.claim}" is invalid: ${err.message}`, err);
  }
}

function noKeyMessage(ctx: FailureContext, iss: string): string {
  const what = ctx.header?.kid === undefined ? `for algorithm ${quoteUntrusted(ctx.header?.alg)} (the token has no kid)` : `for kid ${quoteUntrusted(ctx.header.kid)}`;
  if (ctx.issuer.jwksUrl === undefined) return `no configured key of issuer ${iss} ${what}`;
  if (ctx.refreshed) return `no key ${what} after refreshing the JWKS of issuer ${iss}`;
  const cooldownSec = Math.ceil(ctx.issuer.jwksCooldownMs / 1000);
  return `no key ${what} in the JWKS of issuer ${iss} (it was refreshed less than ${cooldownSec} s ago; retry later)`;
}

function isoOf(seconds: unknown): string {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : String(seconds);
}
