import { z } from 'zod';
import { FaultPlanSchema } from './fault-plan.js';
import { ProfileRefSchema } from './profiles.js';
import { QuotaSchema } from './quota.js';

/** Options of `startSimServer`, validated strictly; defaults live here. */
export const SimOptionsSchema = z
  .object({
    /** Listening port; 0 picks a free one. */
    port: z.number().int().min(0).max(65_535).default(0),
    host: z.string().min(1).default('127.0.0.1'),
    /** Seeds content (unless the request has `seed` or `x-sim-seed`), timings and fault draws. */
    seed: z.number().int().default(0),
    /** Model name → profile (a built-in name or a written-out profile). */
    models: z.record(z.string(), ProfileRefSchema).default({}),
    /** Profile of any model not listed (when `strictModels` is off). */
    defaultProfile: ProfileRefSchema.default('sim-fast'),
    /** Unknown models get 404 `model_not_found` instead of the default profile. */
    strictModels: z.boolean().default(false),
    /** Fault rules, times relative to server start. */
    faults: FaultPlanSchema.default([]),
    /** Provider rate limits with OpenAI's `x-ratelimit-*` headers and 429s. */
    quota: QuotaSchema.optional(),
    /** Default embedding size when the request has no `dimensions`. */
    embeddingDimensions: z.number().int().min(1).max(8_192).default(256),
    /** How many recent requests to keep for `/_sim/requests`; 0 turns recording off. */
    recordRequests: z.number().int().min(0).max(100_000).default(200),
    /** Larger request bodies get 413. */
    maxBodyBytes: z.number().int().positive().default(16 * 1024 * 1024), // 16 MiB
  })
  .strict();

/** What callers pass (every field optional). */
export type SimOptions = z.input<typeof SimOptionsSchema>;
/** Options after validation and defaults. */
export type SimConfig = z.output<typeof SimOptionsSchema>;
