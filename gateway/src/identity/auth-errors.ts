import { GatewayError } from '../errors.js';

const REALM = 'Bearer realm="sluice"';

/** 401 for a request without credentials (RFC 6750 §3: no error code). */
export function authMissing(message: string): GatewayError {
  return new GatewayError('GW_AUTH_MISSING', message, { headers: { 'WWW-Authenticate': REALM } });
}

/** 401 with a reason the developer can act on; the reason also goes in `WWW-Authenticate`. */
export function authInvalid(reason: string, cause?: unknown): GatewayError {
  const description = reason.replace(/[^\x20-\x7e]|["\\]/g, '').slice(0, 200);
  return new GatewayError('GW_AUTH_INVALID', reason, {
    cause,
    headers: { 'WWW-Authenticate': `${REALM}, error="invalid_token", error_description="${description}"` },
  });
}

/** 503: credentials cannot be checked right now (e.g. the JWKS is unreachable and nothing is cached). */
export function authUnavailable(message: string, cause?: unknown): GatewayError {
  return new GatewayError('GW_AUTH_UNAVAILABLE', message, { cause, retryAfterMs: 5_000 });
}

/** Echoes untrusted token content (issuer, kid, alg, aud) safely in a message: quoted or JSON, truncated. */
export function quoteUntrusted(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > 100 ? `${text.slice(0, 100)}…` : text;
  return typeof value === 'string' ? JSON.stringify(cut) : cut;
}
