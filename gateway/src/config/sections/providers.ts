import { z } from 'zod';
import { SimOptionsSchema } from '../../../../scenarios/src/sim/index.js';
import { SecretRefsSchema } from '../secret-ref.js';

const TimeoutsSchema = z
  .object({
    /** TCP/TLS connect. */
    connectMs: z.number().int().positive().default(5_000),
    /** From request sent to response headers (and first stream byte). */
    firstByteMs: z.number().int().positive().default(60_000),
    /** Whole call, including a full stream. */
    totalMs: z.number().int().positive().default(600_000),
  })
  .strict();

/**
 * One upstream provider. `kind` picks the adapter: any OpenAI-compatible API (OpenAI,
 * vLLM, Ollama, LM Studio, …), Azure OpenAI (deployment URLs, `api-version`, `api-key`),
 * Anthropic Messages (`x-api-key`, `anthropic-version`; requests and answers translated)
 * or the built-in simulator that `sluice serve` starts in-process.
 */
export const ProviderSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
    kind: z.enum(['openai', 'azure-openai', 'anthropic', 'sim']),
    /**
     * The wire API the simulator is called in (kind `sim` only): `anthropic` sends every call
     * through the Anthropic adapter, as a `kind: anthropic` provider would.
     */
    api: z.enum(['openai', 'anthropic']).optional(),
    /** e.g. https://api.openai.com/v1 , https://api.anthropic.com/v1 ; for `sim`, filled in at start. */
    baseUrl: z.string().url().optional(),
    /** One or several keys (spread round-robin); never inline. */
    apiKey: SecretRefsSchema.optional(),
    /** Non-secret extra headers sent upstream. */
    headers: z.record(z.string(), z.string()).default({}),
    /**
     * Client request headers passed on upstream (lower-case names). Nothing else from the
     * client is forwarded; `sim` providers default to the simulator's fault headers.
     */
    forwardHeaders: z.array(z.string().toLowerCase()).optional(),
    /** `gen_ai.provider.name` on spans (defaults from `kind`). */
    providerName: z.string().optional(),
    azure: z.object({ apiVersion: z.string().default('2024-10-21') }).strict().optional(),
    anthropic: z
      .object({
        /** The `anthropic-version` header. */
        version: z.string().min(1).default('2023-06-01'),
        /** `max_tokens` sent when the client set none (Anthropic requires one). */
        defaultMaxTokens: z.number().int().positive().default(4096),
      })
      .strict()
      .optional(),
    timeouts: TimeoutsSchema.prefault({}),
    /** Keep-alive pool size per provider origin. */
    maxConnections: z.number().int().positive().default(256),
    /** Largest upstream response body accepted (non-streaming). 32 MiB. */
    maxResponseBytes: z.number().int().positive().default(32 * 1024 * 1024),
    /** Options for the built-in simulator (kind `sim`), passed to `startSimServer`. */
    sim: SimOptionsSchema.optional(),
  })
  .strict();
export type ProviderConfig = z.infer<typeof ProviderSchema>;

export const ProvidersSectionSchema = z.array(ProviderSchema).default([]);
