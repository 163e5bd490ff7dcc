import { z } from 'zod';

/** True when `tz` is an IANA time zone this runtime's Intl knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const TimeZoneSchema = z.string().refine(isValidTimeZone, { message: 'not an IANA time zone known to Intl (e.g. "UTC", "Europe/Paris")' });

/** Price of one model in USD per 1M tokens (converted to integer micro-USD at load). */
export const ModelPriceSchema = z
  .object({
    inputUsdPerMTok: z.number().nonnegative().finite(),
    /** Prompt tokens served from the provider's prompt cache; default: the input price. */
    cachedInputUsdPerMTok: z.number().nonnegative().finite().optional(),
    /** Prompt tokens written to the provider's prompt cache (Anthropic: 1.25× input); default: the input price. */
    cacheWriteInputUsdPerMTok: z.number().nonnegative().finite().optional(),
    /** Prompt-cache writes kept for one hour (Anthropic: 2× input); default: the cache-write price. */
    cacheWrite1hInputUsdPerMTok: z.number().nonnegative().finite().optional(),
    outputUsdPerMTok: z.number().nonnegative().finite(),
  })
  .strict();
export type ModelPriceConfig = z.infer<typeof ModelPriceSchema>;

/** `budgets.pricing`: the price table. Built-in prices for common models, overridable here. */
export const PricingSchema = z
  .object({
    /** Per model: keyed by `provider/model`, upstream model or client-facing model name. */
    models: z.record(z.string().min(1), ModelPriceSchema).default({}),
    /** Use the built-in table (curated OpenAI/Anthropic list prices, then gpt-tokenizer metadata). */
    builtin: z.boolean().default(true),
    /**
     * A model without a price while a USD budget applies: `refuse` (config load fails for
     * configured names; requests for unpriced pattern models are refused), or charge a default.
     */
    onUnknownModel: z.union([z.literal('refuse'), z.object({ chargeDefault: ModelPriceSchema }).strict()]).default('refuse'),
    /** MCP tool calls priced per call, keyed `server/tool` or `server/*`. */
    tools: z.record(z.string().regex(/^[^/]+\/[^/]+$/, 'server/tool or server/*'), z.object({ usdPerCall: z.number().nonnegative().finite() }).strict()).default({}),
  })
  .strict();
export type PricingConfig = z.infer<typeof PricingSchema>;

const StringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** Which calls a budget or rate limit applies to; every given field must match. */
export const MatchSchema = z
  .object({
    agent: StringOrList.optional(),
    team: StringOrList.optional(),
    keyId: StringOrList.optional(),
    /** Client-facing model names (budgets: only these models' spend counts). */
    model: StringOrList.optional(),
  })
  .strict();
export type MatchConfig = z.infer<typeof MatchSchema>;

/** Calendar windows reset at the boundary in the budget's time zone; rolling ones slide. */
export const BudgetWindowSchema = z.union([
  z.enum(['hourly', 'daily', 'monthly']),
  z.object({ rollingMs: z.number().int().min(60_000) }).strict(),
]);
export type BudgetWindowConfig = z.infer<typeof BudgetWindowSchema>;

export const SoftThresholdSchema = z
  .object({
    /** Fraction of the limit (money or tokens, whichever is further along) that triggers it. */
    atFraction: z.number().gt(0).lte(1),
    /** Serve the call with this (client-facing) model instead. */
    downgradeTo: z.string().min(1).optional(),
    /** Add an `x-sluice-budget-warning` response header. */
    warn: z.boolean().default(true),
  })
  .strict();

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

export const BudgetRuleSchema = z
  .object({
    name: z.string().regex(NAME, 'letters, digits, _ . : - (at most 64)'),
    /** Whose spend is counted: each agent, team or key separately, or everyone together. */
    per: z.enum(['agent', 'team', 'key', 'global']).default('agent'),
    match: MatchSchema.default({}),
    limitUsd: z.number().positive().finite().optional(),
    limitTokens: z.number().int().positive().optional(),
    window: BudgetWindowSchema,
    /** Calendar windows only; default: `budgets.timezone`. */
    timezone: TimeZoneSchema.optional(),
    softThresholds: z.array(SoftThresholdSchema).max(8).default([]),
    /** MCP tool calls with a price draw on the budget too (money only). */
    includeToolCalls: z.boolean().default(true),
  })
  .strict()
  .refine((b) => b.limitUsd !== undefined || b.limitTokens !== undefined, { message: 'a budget needs limitUsd and/or limitTokens' });
export type BudgetRuleConfig = z.infer<typeof BudgetRuleSchema>;

/** `budgets`: spend limits per agent, team or key, enforced by reserve-then-settle. */
export const BudgetsSectionSchema = z
  .object({
    rules: z.array(BudgetRuleSchema).default([]),
    /** Default time zone of calendar windows. */
    timezone: TimeZoneSchema.default('UTC'),
    /** Reserve the worst-case output (max_tokens, else `defaultOutputCapTokens`) before the call. */
    reserveOutput: z.boolean().default(true),
    /** Output reserved when the request sets no max_tokens / max_completion_tokens. */
    defaultOutputCapTokens: z.number().int().positive().default(4096),
    /** Write `defaultOutputCapTokens` into requests without a max so the reservation is a true worst case. */
    injectOutputCap: z.boolean().default(true),
    /** Added to counted input tokens when reserving (tokenizers differ between providers). */
    inputMarginPercent: z.number().min(0).max(100).default(0),
    /** Fraction of the normal price charged for a response served from the gateway cache. */
    cacheHitChargeFraction: z.number().min(0).max(1).default(0),
    /** How often each replica refreshes spend totals from the store. */
    syncIntervalMs: z.number().int().min(100).default(5_000),
    /**
     * Gateway replicas sharing the store. Above 1, each replica spends at most its even share
     * of a budget's headroom between two syncs, so together they overshoot only by what the
     * others spent in the sync's lag (see the budgets README); calls larger than a share wait
     * for the next sync. `auto`: the replicas count themselves in the store at every sync
     * (those seen in the last three sync intervals).
     */
    replicas: z.union([z.number().int().min(1).max(1_000), z.literal('auto')]).default(1),
    /** Store buckets younger than this are re-read on every sync (span export + rollup lag). */
    refreshHorizonMs: z.number().int().min(60_000).default(10 * 60_000),
    pricing: PricingSchema.prefault({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.rules.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate budget "${r.name}"` });
      seen.add(r.name);
      if (r.timezone !== undefined && typeof r.window !== 'string') {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'timezone'], message: 'timezone applies to calendar windows only' });
      }
    });
  })
  .prefault({});
export type BudgetsSection = z.infer<typeof BudgetsSectionSchema>;
