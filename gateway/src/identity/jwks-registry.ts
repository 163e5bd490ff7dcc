import { createRemoteJWKSet, customFetch, errors, type CryptoKey, type FlattenedJWSInput, type JWTHeaderParameters } from 'jose';
import type { JwtIssuerConfig } from '../config/sections/auth.js';
import type { IdentityLogger } from './identity-logger.js';

/** The JWKS endpoint could not be reached or gave no usable key set. */
export class JwksUnavailableError extends Error {
  constructor(
    readonly url: string,
    /** Whether keys from an earlier fetch are cached. */
    readonly hadKeys: boolean,
    cause: unknown,
  ) {
    super(`JWKS at ${url} could not be fetched: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'JwksUnavailableError';
  }
}

/** One issuer's remote key set, long-lived across config reloads. */
export interface RemoteKeys {
  /** The URL without credentials, for messages. */
  readonly displayUrl: string;
  /** Key resolver for `jwtVerify`; fetch failures become `JwksUnavailableError`. */
  resolve(header: JWTHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey>;
  /** True while an unknown `kid` would not trigger a refetch. */
  readonly coolingDown: boolean;
}

export interface JwksRegistryDeps {
  now: () => number;
  logger: IdentityLogger;
  fetch?: typeof fetch;
  /** Distinct JWKS settings kept; more are evicted oldest first. */
  maxSets?: number;
}

/**
 * Keeps `jose` remote key sets by URL and settings, so reloading the config keeps the
 * fetched keys. Keys never expire from the cache (`cacheMaxAge: Infinity`): an unknown
 * `kid` refetches (after the cooldown), and a background refresh every `jwksRefreshMs`
 * picks up revocations; if the endpoint is down, the cached keys stay in use.
 */
export function createJwksRegistry(deps: JwksRegistryDeps): { keysFor(issuer: JwtIssuerConfig): RemoteKeys } {
  const sets = new Map<string, RemoteKeys>();
  const maxSets = deps.maxSets ?? 64;
  return {
    keysFor(issuer) {
      const id = JSON.stringify([issuer.jwksUrl, issuer.jwksCooldownMs, issuer.jwksTimeoutMs, issuer.jwksRefreshMs]);
      let keys = sets.get(id);
      if (keys === undefined) {
        keys = remoteKeys(issuer, deps);
        sets.set(id, keys);
        if (sets.size > maxSets) sets.delete(sets.keys().next().value as string);
      }
      return keys;
    },
  };
}

function remoteKeys(issuer: JwtIssuerConfig, deps: JwksRegistryDeps): RemoteKeys {
  const url = new URL(issuer.jwksUrl as string);
  const displayUrl = `${url.origin}${url.pathname}`;
  const remote = createRemoteJWKSet(url, {
    cacheMaxAge: Infinity,
    cooldownDuration: issuer.jwksCooldownMs,
    timeoutDuration: issuer.jwksTimeoutMs,
    ...(deps.fetch === undefined ? {} : { [customFetch]: deps.fetch }),
  });
  let lastRefreshMs = deps.now();
  const refreshInBackground = (): void => {
    const nowMs = deps.now();
    if (nowMs - lastRefreshMs < issuer.jwksRefreshMs || remote.reloading) return;
    lastRefreshMs = nowMs;
    remote.reload().catch((err: unknown) => {
      deps.logger.warn({ jwksUrl: displayUrl, err: err instanceof Error ? err.message : String(err) }, 'JWKS refresh failed; cached keys stay in use');
    });
  };
  return {
    displayUrl,
    get coolingDown() {
      return remote.coolingDown;
    },
    async resolve(header, token) {
      refreshInBackground();
      try {
        return await remote(header, token);
      } catch (err) {
        if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys || err instanceof errors.JOSENotSupported) throw err;
        throw new JwksUnavailableError(displayUrl, remote.jwks() !== undefined, err);
      }
    },
  };
}
