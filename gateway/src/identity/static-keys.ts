import { createPublicKey, type JsonWebKey as NodeJwk } from 'node:crypto';
import { createLocalJWKSet, type JWK, type JWTVerifyGetKey } from 'jose';
import type { JwtIssuerConfig, StaticKeyConfig } from '../config/sections/auth.js';
import { describeSecretRef, resolveSecret, type SecretSource } from '../config/secret-ref.js';

/**
 * Builds a local key set from an issuer's static keys: inline public PEM/JWK, or env/file
 * references holding a PEM, a JWK or a whole JWKS (so mounted Kubernetes secrets work).
 * Throws an Error naming the key's source (never its content) when a key is unusable.
 */
export function staticKeyResolver(issuer: JwtIssuerConfig, secrets: SecretSource | undefined): JWTVerifyGetKey {
  const jwks: JWK[] = [];
  (issuer.keys ?? []).forEach((key, i) => {
    for (const jwk of publicJwks(key, i, secrets)) jwks.push(key.kid === undefined ? jwk : { ...jwk, kid: key.kid });
  });
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

function publicJwks(key: StaticKeyConfig, index: number, secrets: SecretSource | undefined): JWK[] {
  if ('pem' in key) return [toPublicJwk(key.pem, `keys[${index}]`)];
  if ('jwk' in key) return [toPublicJwk(key.jwk, `keys[${index}]`)];
  const ref = 'env' in key ? { env: key.env } : { file: key.file };
  const where = `keys[${index}] (${describeSecretRef(ref)})`;
  if (secrets === undefined) throw new Error(`${where}: no secret source was given to read it`);
  const text = resolveSecret(ref, secrets);
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

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
