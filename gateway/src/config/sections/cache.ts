import { z } from 'zod';

const MiB = 1024 * 1024;

/**
 * What the cache may do for a request: `on` (look up, store on a miss), `read-only` (look
 * up, never store), `refresh` (never serve from the cache, store the fresh answer), `off`.
 * A request header may narrow the configured mode, never widen it (see gateway/src/cache/README.md).
 */
export const CACHE_MODES = ['off', 'on', 'read-only', 'refresh'] as const;
export type CacheMode = (typeof CACHE_MODES)[number];

/** What the semantic cache embeds: the last user message, or the whole conversation. */
export const EMBED_INPUTS = ['last-user-message', 'conversation'] as const;
export type EmbedInput = (typeof EMBED_INPUTS)[number];

/** An OpenAI-compatible `/v1/embeddings` upstream: one of `providers` and a model it serves. */
const EmbeddingsSchema = z
  .object({
    /** Name of a configured provider (OpenAI, Azure OpenAI, vLLM, Ollama, the simulator). */
    provider: z.string().min(1),
    /** Upstream embeddings model, e.g. `text-embedding-3-small`. */
    model: z.string().min(1),
    /** Asked of models that support it (OpenAI `dimensions`); else the model's own size. */
    dimensions: z.number().int().min(2).max(8_192).optional(),
    /** Whole embeddings call; past it the lookup is a miss (recorded). */
    timeoutMs: z.number().int().min(10).max(60_000).default(2_000),
    /** Text longer than this is cut before embedding (bounds cost and latency). */
    maxInputChars: z.number().int().min(16).max(1_000_000).default(8_000),
  })
  .strict();

const semanticShape = {
  enabled: z.boolean(),
  /** Cosine similarity at or above which a stored answer is served for a paraphrase. */
  threshold: z.number().gt(0).lte(1),
};

const SemanticSchema = z
  .object({
    enabled: semanticShape.enabled.default(false),
    threshold: semanticShape.threshold.default(0.92),
    /**
     * `last-user-message`: the earlier turns must match exactly (they are part of the
     * scope), only the last user message may be a paraphrase. `conversation`: every
     * non-system message is embedded together.
     */
    embed: z.enum(EMBED_INPUTS).default('last-user-message'),
    embeddings: EmbeddingsSchema.optional(),
  })
  .strict();

/** Per model group (client-facing name or `prefix/*` key): overrides of the defaults. */
const RouteOverrideSchema = z
  .object({
    mode: z.enum(CACHE_MODES).optional(),
    ttlMs: z.number().int().min(1_000).max(365 * 86_400_000).optional(),
    semantic: z.object(semanticShape).partial().strict().optional(),
  })
  .strict();
export type CacheRouteOverride = z.infer<typeof RouteOverrideSchema>;

/**
 * `cache`: exact and semantic response caching, scoped by tenant (team, else agent) and
 * template. Off by default: caching changes what a non-deterministic model answers.
 */
export const CacheSectionSchema = z
  .object({
    mode: z.enum(CACHE_MODES).default('off'),
    /** How long an answer may be served. */
    ttlMs: z.number().int().min(1_000).max(365 * 86_400_000).default(3_600_000),
    /** Answers larger than this (serialised) are not cached. */
    maxEntryBytes: z.number().int().min(1_024).max(64 * MiB).default(1 * MiB),
    /** Upper bound on a lookup in the shared store; past it the request goes on as a miss. */
    lookupTimeoutMs: z.number().int().min(1).max(10_000).default(50),
    /** A response is stored only when every choice finished with one of these. */
    cacheableFinishReasons: z.array(z.string().min(1)).min(1).default(['stop', 'tool_calls']),
    /** The in-memory hot tier of this replica (LRU by bytes). */
    hot: z
      .object({
        enabled: z.boolean().default(true),
        maxBytes: z.number().int().min(64 * 1024).max(64 * 1024 * MiB).default(64 * MiB),
      })
      .strict()
      .prefault({}),
    /** The shared, durable tier: ClickHouse (the gateway's store), table `llm_cache`. */
    store: z
      .object({
        enabled: z.boolean().default(true),
        table: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier').default('llm_cache'),
        /** After a store failure or timeout, lookups skip the store for this long. */
        retryAfterMs: z.number().int().min(0).max(600_000).default(5_000),
        /** Writes waiting for the store; more are dropped (counted). */
        maxPendingWrites: z.number().int().min(1).max(100_000).default(256),
      })
      .strict()
      .prefault({}),
    semantic: SemanticSchema.prefault({}),
    /** A hit on a streaming request is replayed as SSE chunks of this many characters… */
    replay: z
      .object({
        chunkChars: z.number().int().min(1).max(100_000).default(24),
        /** …this long apart (0: as fast as the client reads). */
        paceMs: z.number().int().min(0).max(10_000).default(0),
      })
      .strict()
      .prefault({}),
    models: z.record(z.string().min(1), RouteOverrideSchema).default({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const semanticSomewhere = cfg.semantic.enabled || Object.values(cfg.models).some((m) => m.semantic?.enabled === true);
    if (semanticSomewhere && cfg.semantic.embeddings === undefined) {
      ctx.addIssue({ code: 'custom', path: ['semantic', 'embeddings'], message: 'the semantic cache needs an embeddings upstream (provider and model)' });
    }
  })
  .prefault({});
export type CacheSection = z.infer<typeof CacheSectionSchema>;
