import type { AuthSection, JwtIssuerConfig, VirtualKeyConfig } from '../config/sections/auth.js';
import type { Identity } from '../pipeline/context.js';
import { buildIdentity } from './identity-builder.js';
import { digestFromHash } from './virtual-key.js';

export interface KeyRecord {
  digest: Buffer;
  config: VirtualKeyConfig;
  identity: Identity;
  expiresAtMs: number | undefined;
}

/** What `authenticate` needs from one `auth` section, precomputed once per config snapshot. */
export interface AuthIndex {
  /** Hex SHA-256 → key. */
  keys: ReadonlyMap<string, KeyRecord>;
  /** `iss` → issuer settings. */
  issuers: ReadonlyMap<string, JwtIssuerConfig>;
  anonymous: Identity | undefined;
}

const cache = new WeakMap<AuthSection, AuthIndex>();

/** Indexes an `auth` section; configs are immutable snapshots, so the result is memoised on the object. */
export function indexAuth(auth: AuthSection): AuthIndex {
  const hit = cache.get(auth);
  if (hit !== undefined) return hit;
  const keys = new Map<string, KeyRecord>();
  for (const k of auth.virtualKeys) {
    const digest = digestFromHash(k.hash);
    const identity = buildIdentity(auth, { method: 'virtual-key', agent: k.agent, team: k.team, keyId: k.id, costCenter: k.costCenter });
    keys.set(digest.toString('hex'), { digest, config: k, identity, expiresAtMs: k.expiresAt === undefined ? undefined : Date.parse(k.expiresAt) });
  }
  const issuers = new Map(auth.jwt.map((i) => [i.issuer, i] as const));
  const anonymous = auth.anonymous.enabled
    ? buildIdentity(auth, { method: 'anonymous', agent: auth.anonymous.agent, team: auth.anonymous.team, costCenter: auth.anonymous.costCenter })
    : undefined;
  const index: AuthIndex = { keys, issuers, anonymous };
  cache.set(auth, index);
  return index;
}
