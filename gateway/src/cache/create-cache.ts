import type { Logger } from 'pino';
import type { SpanStore } from '../../../collector/src/index.js';
import type { SecretSource } from '../config/secret-ref.js';
import type { Stage } from '../pipeline/stage.js';
import { CacheEngine } from './cache-engine.js';
import { cacheStage } from './cache-stage.js';
import type { CacheStats } from './cache-stats.js';
import { type EmbeddingsFetch, undiciEmbeddingsFetch } from './embedder.js';

export interface CreateCacheOptions {
  /** Wall-clock ms (default `Date.now`): entry ages and TTLs, shared with other replicas. */
  now?: () => number;
  logger: Logger;
  /**
   * The shared store for the durable tier (`llm_cache`), or a getter for it when the store
   * opens after the features are built (`startGateway` opens the collector's store later).
   * Without one, the cache is the hot tier only.
   */
  store?: SpanStore | (() => SpanStore | undefined);
  /** How embeddings are fetched (default: undici `request`). */
  fetch?: EmbeddingsFetch;
  /** Resolves the embeddings provider's `apiKey` reference (default: no credential sent). */
  secrets?: SecretSource;
}

export interface Cache {
  /** The `cache` slot of `GatewayFeatures.stages`. */
  stage: Stage;
  stats(): CacheStats;
  /** Waits for pending store writes (up to `timeoutMs`, default 5 s); true when all finished. */
  close(timeoutMs?: number): Promise<boolean>;
}

/**
 * The exact + semantic response cache. Its state (hot tier, store tier, counters) lives as
 * long as the returned object, across config reloads: each request reads the `cache`
 * section of the config snapshot it started with.
 */
export function createCache(opts: CreateCacheOptions): Cache {
  const now = opts.now ?? Date.now;
  const engine = new CacheEngine({ now, logger: opts.logger, store: opts.store });
  const stage = cacheStage({ engine, now, fetch: opts.fetch ?? undiciEmbeddingsFetch, secrets: opts.secrets });
  return {
    stage,
    stats: () => engine.snapshot(),
    close: (timeoutMs = 5_000) => engine.flush(timeoutMs),
  };
}
