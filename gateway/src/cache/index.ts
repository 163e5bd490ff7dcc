/**
 * Exact and semantic response caching, tenant-scoped, streaming-aware (see README.md).
 */
export { createCache } from './create-cache.js';
export type { Cache, CreateCacheOptions } from './create-cache.js';
export type { CacheStats } from './cache-stats.js';
export { CACHE_TIER_HEADER } from './cache-stage.js';
export { CACHE_DEGRADED_EVENT } from './request-plan.js';
export type { EmbeddingsFetch } from './embedder.js';
export { exactKey, semanticScope, tenantOf } from './cache-key.js';
export type { KeyInput, RouteIdentity } from './cache-key.js';
export { requestAccess } from './cache-mode.js';
export type { CacheAccess } from './cache-mode.js';
export { cacheTableDdl, vectorTableDdl } from './cache-ddl.js';
export { benchCacheLookup } from './bench-cache-lookup.js';
export type { CacheBenchOptions, CacheBenchReport, TierFigures } from './bench-cache-lookup.js';
