import { performance } from 'node:perf_hooks';
import type { CacheSection } from '../config/sections/cache.js';
import type { SecretSource } from '../config/secret-ref.js';
import type { RequestCtx } from '../pipeline/context.js';
import { type KeyInput, exactKey, routeIdentityOf, semanticScope, templateOf, tenantOf } from './cache-key.js';
import { type CacheAccess, requestAccess } from './cache-mode.js';
import type { CacheEngine, Degradation } from './cache-engine.js';
import { type EmbedResult, type EmbeddingsFetch, embedText, embedderId } from './embedder.js';
import { type RouteCacheSettings, routeSettings } from './route-settings.js';
import { textToEmbed } from './semantic-text.js';

/** Span event for anything that turned a lookup into a miss (store down, bad entry, embeddings failed). */
export const CACHE_DEGRADED_EVENT = 'sluice.cache.degraded';

export interface PlanDeps {
  engine: CacheEngine;
  fetch: EmbeddingsFetch;
  secrets?: SecretSource;
}

/** What the cache will do for one request, and the keys it does it with. */
export interface RequestPlan {
  section: CacheSection;
  settings: RouteCacheSettings;
  access: CacheAccess;
  input: KeyInput;
  key: string;
  /** Semantic scope, when the route has the semantic cache and the request has text to embed. */
  scope: string | undefined;
  /** The request's embedding (one embeddings call per request, started on first use). */
  embed(): Promise<EmbedResult> | undefined;
  note(what: Degradation | 'embedding_failed', detail?: string): void;
}

/**
 * Plans a chat request: undefined when the operator left caching off for its model (no
 * header is even read); throws 400 for an unknown `x-sluice-cache` value.
 */
export function planRequest(ctx: RequestCtx, deps: PlanDeps): RequestPlan | undefined {
  const section = ctx.config.cache;
  const route = routeIdentityOf(ctx.config, ctx.model);
  const settings = routeSettings(section, ctx.model, route.group);
  if (settings.mode === 'off') return undefined;
  const access = requestAccess(settings.mode, ctx.headers);
  const input: KeyInput = { tenant: tenantOf(ctx.identity), template: templateOf(ctx.attrs), route, body: ctx.body };
  const embeddings = section.semantic.embeddings;
  const text = settings.semantic.enabled && embeddings ? textToEmbed(ctx.body.messages, settings.semantic.embed, embeddings.maxInputChars) : undefined;
  const note = (what: Degradation | 'embedding_failed', detail?: string) => {
    ctx.events.push({ name: CACHE_DEGRADED_EVENT, attributes: { reason: what, ...(detail ? { detail } : {}) }, timeMs: ctx.now() });
  };
  let embedding: Promise<EmbedResult> | undefined;
  return {
    section,
    settings,
    access,
    input,
    key: exactKey(input),
    scope: text !== undefined && embeddings ? semanticScope(input, settings.semantic.embed, embedderId(embeddings)) : undefined,
    note,
    embed() {
      if (text === undefined || !embeddings) return undefined;
      embedding ??= embedText(text, embeddings, ctx.config, deps.secrets, deps.fetch, () => performance.now()).then((r) => {
        if (!r.ok) {
          deps.engine.stats.embeddingFailures++;
          note('embedding_failed', r.reason);
        }
        return r;
      });
      return embedding;
    },
  };
}
