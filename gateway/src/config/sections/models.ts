import { z } from 'zod';

/** One place a model name can be served: a provider and the upstream model name. */
export const TargetSchema = z
  .object({
    provider: z.string(),
    /** Upstream model name; defaults to the client-facing name. */
    model: z.string().optional(),
    weight: z.number().nonnegative().default(1),
    /** Context window in tokens, for context-length-aware routing. */
    contextWindow: z.number().int().positive().optional(),
    /** Per-target request overrides. */
    overrides: z
      .object({
        maxTokens: z.number().int().positive().optional(),
        headers: z.record(z.string(), z.string()).default({}),
      })
      .strict()
      .optional(),
  })
  .strict();
export type TargetConfig = z.infer<typeof TargetSchema>;

const GroupSchema = z
  .object({
    targets: z.array(TargetSchema).min(1),
    strategy: z.enum(['priority', 'weighted', 'least-latency', 'least-cost', 'rules']).default('priority'),
    /** Shown by GET /v1/models. */
    description: z.string().optional(),
  })
  .strict();

/** Shorthand `{provider, model}` for a single target. */
const SingleSchema = TargetSchema.transform((t) => GroupSchema.parse({ targets: [t] }));

/**
 * `models`: the names clients use → where they are served. A name ending in `/*`
 * (e.g. `openai/*`) passes any suffix through to that provider.
 */
export const ModelsSectionSchema = z.record(z.string(), z.union([GroupSchema, SingleSchema])).default({});
export type ModelGroupConfig = z.infer<typeof GroupSchema>;
