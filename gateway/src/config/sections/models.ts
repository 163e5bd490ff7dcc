import { z } from 'zod';
import { RoutingOverrideSchema } from './routing.js';

const StringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** Price hint for `least-cost` (USD per 1M tokens); without it the budgets price table is asked. */
const PriceHintSchema = z
  .object({
    inputUsdPerMTok: z.number().nonnegative(),
    outputUsdPerMTok: z.number().nonnegative(),
  })
  .strict();

/** One place a model name can be served: a provider and the upstream model name. */
export const TargetSchema = z
  .object({
    provider: z.string(),
    /** Upstream model name; defaults to the client-facing name. */
    model: z.string().optional(),
    /** Share of traffic under `weighted` (relative to the group's other targets). */
    weight: z.number().nonnegative().default(1),
    /** Context window in tokens: a request whose counted input + max output exceeds it skips this target. */
    contextWindow: z.number().int().positive().optional(),
    /** Labels that routing rules select by (`self-hosted`, `large`, `eu`). */
    tags: z.array(z.string().min(1)).default([]),
    price: PriceHintSchema.optional(),
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

export const STRATEGIES = ['priority', 'weighted', 'least-latency', 'least-cost'] as const;
export type Strategy = (typeof STRATEGIES)[number];

const NumberRangeSchema = z
  .object({ gt: z.number().optional(), gte: z.number().optional(), lt: z.number().optional(), lte: z.number().optional() })
  .strict()
  .refine((r) => Object.keys(r).length > 0, { message: 'give at least one of gt, gte, lt, lte' });
export type NumberRange = z.infer<typeof NumberRangeSchema>;

/**
 * What a rule matches on; every given field must hold (an empty `when` matches every
 * request). String values are globs (`*` any run, `?` one character); a list matches any.
 */
export const RuleConditionSchema = z
  .object({
    /** Request header (lower-case name) → allowed values; `"*"` = the header is present. */
    header: z.record(z.string().toLowerCase(), StringOrList).optional(),
    /** Caller's team / agent as established by the identify stage. */
    team: StringOrList.optional(),
    agent: StringOrList.optional(),
    /** Caller's claims: claim path (`.`-separated, or a whole namespaced key) → allowed values. */
    claims: z.record(z.string(), StringOrList).optional(),
    /** Request path as received (`/v1/chat/completions`). */
    path: StringOrList.optional(),
    /** Counted input tokens of the request. */
    inputTokens: NumberRangeSchema.optional(),
    /** Whether the request carries `tools`. */
    tools: z.boolean().optional(),
    stream: z.boolean().optional(),
    /**
     * Whether an earlier stage flagged the request as sensitive: `sluice.guardrail.hits` > 0
     * or `sluice.sensitive` = true on the request's span attributes.
     */
    sensitive: z.boolean().optional(),
    /** Any request span attribute an earlier stage set: globs for strings, a range for numbers. */
    attrs: z.record(z.string(), z.union([StringOrList, NumberRangeSchema, z.boolean()])).optional(),
  })
  .strict();
export type RuleCondition = z.infer<typeof RuleConditionSchema>;

/**
 * A routing rule: the first rule whose `when` holds picks the targets (by id
 * `provider/model` or by tag). `failover: within` keeps the request on those targets only
 * (e.g. sensitive data never leaves the self-hosted model); `group` falls back to the
 * group's other targets after them.
 */
export const RuleSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : - (at most 64)').optional(),
    when: RuleConditionSchema.default({}),
    use: z
      .object({ targets: z.array(z.string().min(1)).min(1).optional(), tags: z.array(z.string().min(1)).min(1).optional() })
      .strict()
      .refine((u) => u.targets !== undefined || u.tags !== undefined, { message: 'use needs targets and/or tags' }),
    /** Strategy among the chosen targets (default: the group's). */
    strategy: z.enum(STRATEGIES).optional(),
    failover: z.enum(['within', 'group']).default('within'),
  })
  .strict();
export type RuleConfig = z.infer<typeof RuleSchema>;

const GroupSchema = z
  .object({
    targets: z.array(TargetSchema).min(1).max(64),
    strategy: z.enum(STRATEGIES).default('priority'),
    rules: z.array(RuleSchema).max(100).default([]),
    /** Overrides of the gateway-wide `routing` settings for this group. */
    routing: RoutingOverrideSchema.optional(),
    /** Shown by GET /v1/models. */
    description: z.string().optional(),
  })
  .strict();

/** Shorthand `{provider, model}` for a single target. */
const SingleSchema = TargetSchema.transform((t) => GroupSchema.parse({ targets: [t] }));

/**
 * A target's id as rules name it: `provider/model` (`model` defaulting to the group name, so
 * a `prefix/*` group's targets are named `provider/<prefix or group name>`; prefer tags there).
 */
export function targetIdOf(t: { provider: string; model?: string }, groupName: string): string {
  return `${t.provider}/${t.model ?? groupName}`;
}

/**
 * `models`: the names clients use → where they are served. A name ending in `/*`
 * (e.g. `openai/*`) passes any suffix through to that provider.
 */
export const ModelsSectionSchema = z
  .record(z.string(), z.union([GroupSchema, SingleSchema]))
  .default({})
  .superRefine((models, ctx) => {
    for (const [name, group] of Object.entries(models)) {
      const ids = group.targets.map((t) => targetIdOf(t, name));
      ids.forEach((id, i) => {
        if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: [name, 'targets', i], message: `duplicate target "${id}" (provider and model must differ within a group)` });
      });
      const tags = new Set(group.targets.flatMap((t) => t.tags));
      group.rules.forEach((r, i) => {
        for (const t of r.use.targets ?? []) {
          if (!ids.includes(t)) ctx.addIssue({ code: 'custom', path: [name, 'rules', i, 'use', 'targets'], message: `no target "${t}" in this group (known: ${ids.join(', ')})` });
        }
        for (const t of r.use.tags ?? []) {
          if (!tags.has(t)) ctx.addIssue({ code: 'custom', path: [name, 'rules', i, 'use', 'tags'], message: `no target of this group has tag "${t}"` });
        }
      });
    }
  });
export type ModelGroupConfig = z.infer<typeof GroupSchema>;
