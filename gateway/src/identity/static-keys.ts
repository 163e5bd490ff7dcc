import { createPublicKey, type JsonWebKey as NodeJwk } from 'node:crypto';
import { createLocalJWKSet, type JWK, type JWTVerifyGetKey } from 'jose';
import type { JwtIssuerConfig, StaticKeyConfig } from '../config/sections/auth.js';
import { describeSecretRef, resolveSecret, type SecretRef, type SecretSource } from '../config/secret-ref.js';
import { isRecord } from '../schemas/json-checks.js';

/**
 * Builds a local key set from an issuer's static keys: inline public PEM/JWK, or env/file
 * references holding a PEM, a JWK or a whole JWKS (so mounted Kubernetes secrets work).
 * A key that is unusable is left out and reported to `onUnusable` (naming its source, never
 * its content): start and reload refuse such configs, but a mounted file can vanish later,
 * and that must not take the issuer's other keys down with it. Throws only when no key is
 * usable.
 */
export function staticKeyResolver(issuer: JwtIssuerConfig, secrets: SecretSource | undefined, onUnusable?: (problem: string) => void): JWTVerifyGetKey {
  const jwks: JWK[] = [];
  const problems: string[] = [];
  (issuer.keys ?? []).forEach((key, i) => {
    try {
      for (const jwk of publicJwks(key, keyLabel(key, i), secrets)) jwks.push(key.kid === undefined ? jwk : { ...jwk, kid: key.kid });
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  });
  if (jwks.length === 0) throw new Error(problems.join('; '));
  for (const problem of problems) onUnusable?.(problem);
  const byKid = createLocalJWKSet({ keys: jwks });
  const kids = new Set(jwks.map((k) => k.kid).filter((k) => k !== undefined));
  const kidless = jwks.filter((k) => k.kid === undefined);
  const anyKid = kidless.length > 0 ? createLocalJWKSet({ keys: kidless }) : undefined;
  // A configured key without a kid stands for any kid the token names that no other key claims.
  return (header, token) => {
    if (header.kid === undefined || kids.has(header.kid) || anyKid === undefined) return byKid(header, token);
    return anyKid({ ...header, kid: undefined }, token);
  };
}

/**
 * Why a static key cannot verify tokens (`env JWT_PEM is not a usable public key`), or
 * `undefined` when it can; for the load-time check, so a bad key refuses the config.
 */
export function staticKeyProblem(key: StaticKeyConfig, secrets: SecretSource): string | undefined {
  try {
    publicJwks(key, 'pem' in key ? 'inline pem' : 'jwk' in key ? 'inline jwk' : describeSecretRef(refOf(key)), secrets);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const refOf = (key: { env: string } | { file: string }): SecretRef => ('env' in key ? { env: key.env } : { file: key.file });

const keyLabel = (key: StaticKeyConfig, index: number): string =>
  'pem' in key || 'jwk' in key ? `keys[${index}]` : `keys[${index}] (${describeSecretRef(refOf(key))})`;

function publicJwks(key: StaticKeyConfig, where: string, secrets: SecretSource | undefined): JWK[] {
  if ('pem' in key) return [toPublicJwk(key.pem, where)];
  if ('jwk' in key) return [toPublicJwk(key.jwk, where)];
  if (secrets === undefined) throw new Error(`${where}: no secret source was given to read it`);
  const text = resolveSecret(refOf(key), secrets);
  if (text === undefined) throw new Error(`${where} is missing or empty`);
  if (!text.trimStart().startsWith('{')) return [toPublicJwk(text, where)];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${where} is neither a PEM nor valid JSON`);
  }
  const list = isRecord(parsed) && Array.isArray(parsed.keys) ? (parsed.keys as unknown[]) : [parsed];
  return list.map((jwk, i) => {
    if (!isRecord(jwk)) throw new Error(`${where}: key ${i} is not a JWK object`);
    const single = toPublicJwk(jwk, where);
    return typeof jwk.kid === 'string' ? { ...single, kid: jwk.kid } : single;
  });
}

/** Normalises a PEM or JWK to a public JWK; private material is refused, not silently reduced. */
function toPublicJwk(source: string | Record<string, unknown>, where: string): JWK {
  if (typeof source === 'string' ? source.includes('PRIVATE KEY') : 'd' in source || 'k' in source) {
    throw new Error(`${where} holds private or symmetric key material; give the public key`);
  }
  try {
    const keyObject = typeof source === 'string' ? createPublicKey(source) : createPublicKey({ key: source as NodeJwk, format: 'jwk' });
    return keyObject.export({ format: 'jwk' }) as JWK;
  } catch {
    throw new Error(`${where} is not a usable public key`);
  }
}
