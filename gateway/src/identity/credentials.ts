import type { IncomingHttpHeaders } from 'node:http';

/** Longer credentials are refused before hashing or parsing (a JWT is rarely over 4 KiB). */
export const MAX_CREDENTIAL_CHARS = 8_192;

export type Credential =
  | { kind: 'none' }
  | { kind: 'token'; token: string; header: 'authorization' | 'x-api-key' }
  | { kind: 'malformed'; reason: string };

/**
 * Reads the caller's credential: `Authorization: Bearer <key|jwt>` (OpenAI clients) or
 * `x-api-key` (Anthropic clients). `Authorization` wins when both are sent.
 */
export function readCredential(headers: IncomingHttpHeaders): Credential {
  const auth = headers.authorization;
  if (auth !== undefined && auth !== '') {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    if (m === null) return { kind: 'malformed', reason: 'the Authorization header must be "Bearer <key or token>"' };
    return checked(m[1], 'authorization');
  }
  const apiKey = headers['x-api-key'];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  if (value !== undefined && value.trim() !== '') return checked(value.trim(), 'x-api-key');
  return { kind: 'none' };
}

function checked(token: string, header: 'authorization' | 'x-api-key'): Credential {
  if (token.length > MAX_CREDENTIAL_CHARS) return { kind: 'malformed', reason: `the credential is longer than ${MAX_CREDENTIAL_CHARS} characters` };
  return { kind: 'token', token, header };
}

/** A compact JWS: three base64url segments, the header being a JSON object (`eyJ` = `{"`). */
export function looksLikeJwt(token: string): boolean {
  return token.startsWith('eyJ') && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(token);
}
