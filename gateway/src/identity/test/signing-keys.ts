import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

/** A fresh key pair; its public half as a JWK (with kid/alg/use) and as a PEM. */
export async function newSigningKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

export interface MintOptions {
  /** Seconds since epoch; default: the claims' own `iat`/`exp` only. */
  iat?: number;
  exp?: number;
  nbf?: number;
  aud?: string | string[];
  /** Override the header (e.g. drop `kid`, claim another `alg`). */
  header?: Record<string, unknown>;
  withKid?: boolean;
}

/** Signs `claims` with `key` (RS256 etc.), like an IdP would. */
export async function mint(key: SigningKey, claims: JWTPayload, opts: MintOptions = {}): Promise<string> {
  const header = { alg: key.alg, ...(opts.withKid === false ? {} : { kid: key.kid }), ...opts.header };
  let jwt = new SignJWT(claims).setProtectedHeader(header as { alg: string });
  if (opts.iat !== undefined) jwt = jwt.setIssuedAt(opts.iat);
  if (opts.exp !== undefined) jwt = jwt.setExpirationTime(opts.exp);
  if (opts.nbf !== undefined) jwt = jwt.setNotBefore(opts.nbf);
  if (opts.aud !== undefined) jwt = jwt.setAudience(opts.aud);
  return jwt.sign(key.privateKey);
}
