import type { Pool } from 'undici';
import type { Config } from '../config/schema.js';
import type { ProviderConfig } from '../config/sections/providers.js';
import { type SecretSource, resolveSecret } from '../config/secret-ref.js';
import { genAiProviderName, providerApi, providerBaseUrl } from './provider-names.js';
import type { UpstreamPools } from './pools.js';

/** A provider ready to call: its pool, resolved keys and span facts. */
export interface ProviderRuntime {
  readonly name: string;
  readonly config: ProviderConfig;
  readonly genAiName: string;
  /** The wire API it is called in. */
  readonly api: 'openai' | 'anthropic';
  /** `https://host:port` */
  readonly origin: string;
  /** Path prefix of the base URL, without trailing slash (e.g. `/v1`). */
  readonly basePath: string;
  readonly serverAddress: string;
  readonly serverPort: number;
  readonly pool: Pool;
  /** Next credential (round-robin over the provider's keys); undefined when none. */
  nextKey(): string | undefined;
  /** All resolved credentials, only so error text can be scrubbed of them. */
  readonly secrets: readonly string[];
}

export interface ProviderRegistry {
  get(name: string): ProviderRuntime | undefined;
  all(): ProviderRuntime[];
}

/**
 * Builds runtimes for every provider in `config`. Keys are re-read from env/files on every
 * (re)load; a provider whose base URL is unknown (a `sim` not yet started) is left out.
 */
export function buildProviderRegistry(config: Config, pools: UpstreamPools, secrets: SecretSource): ProviderRegistry {
  const map = new Map<string, ProviderRuntime>();
  for (const p of config.providers) {
    const base = providerBaseUrl(p);
    if (!base) continue;
    const url = new URL(base);
    const refs = p.apiKey === undefined ? [] : Array.isArray(p.apiKey) ? p.apiKey : [p.apiKey];
    const keys = refs.map((r) => resolveSecret(r, secrets)).filter((k): k is string => k !== undefined);
    let turn = 0;
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    map.set(p.name, {
      name: p.name,
      config: p,
      genAiName: genAiProviderName(p),
      api: providerApi(p),
      origin: url.origin,
      basePath: url.pathname.replace(/\/+$/, ''),
      serverAddress: url.hostname,
      serverPort: port,
      pool: pools.get(url.origin, { connectTimeoutMs: p.timeouts.connectMs, maxConnections: p.maxConnections }),
      secrets: keys,
      nextKey: () => (keys.length === 0 ? undefined : keys[turn++ % keys.length]),
    });
  }
  return { get: (n) => map.get(n), all: () => [...map.values()] };
}
