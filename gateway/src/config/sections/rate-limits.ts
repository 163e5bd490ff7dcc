import { z } from 'zod';

const StringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** The dimensions a rate limit can count separately by. */
export const RATE_LIMIT_DIMENSIONS = ['agent', 'team', 'key', 'model', 'server', 'tool'] as const;
export type RateLimitDimension = (typeof RATE_LIMIT_DIMENSIONS)[number];

const PERIOD_MS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * One rate limit (GCRA): at most `requests` and/or `tokens` per `period`, counted separately
 * for each value of the `per` dimensions. `500 tokens per hour for each JWT sub`:
 * `{ name: sub-hourly, per: agent, tokens: 500, period: hour }`.
 */
export const RateLimitRuleSchema = z
  .object({
    name: z.string().regex(NAME, 'letters, digits, _ . : - (at most 64)'),
    per: z.union([z.enum(RATE_LIMIT_DIMENSIONS), z.array(z.enum(RATE_LIMIT_DIMENSIONS)).min(1)]).default('agent'),
    /** Only calls matching every given field count (model: client-facing name). */
    match: z
      .object({
        agent: StringOrList.optional(),
        team: StringOrList.optional(),
        keyId: StringOrList.optional(),
        model: StringOrList.optional(),
        server: StringOrList.optional(),
        tool: StringOrList.optional(),
      })
      .strict()
      .default({}),
    /** Requests (LLM calls or tool calls) per period. */
    requests: z.number().int().positive().optional(),
    /** Tokens per period: counted input + max output before the call, actual usage after. */
    tokens: z.number().int().positive().optional(),
    period: z.enum(['second', 'minute', 'hour', 'day']).optional(),
    periodMs: z.number().int().min(100).optional(),
    /** `llm`: chat/embeddings calls; `tools`: MCP tool calls. */
    appliesTo: z.enum(['llm', 'tools']).default('llm'),
  })
  .strict()
  .refine((r) => r.requests !== undefined || r.tokens !== undefined, { message: 'a rate limit needs requests and/or tokens' })
  .refine((r) => !(r.period !== undefined && r.periodMs !== undefined), { message: 'give period or periodMs, not both' })
  .refine((r) => !(r.appliesTo === 'tools' && r.tokens !== undefined), { message: 'tool-call limits count requests only' })
  .transform((r) => ({ ...r, periodMs: r.periodMs ?? PERIOD_MS[r.period ?? 'minute'], per: typeof r.per === 'string' ? [r.per] : r.per }));
export type RateLimitRuleConfig = z.infer<typeof RateLimitRuleSchema>;

/** `rateLimits`: per-replica request and token rate limits (GCRA). */
export const RateLimitsSectionSchema = z
  .object({
    rules: z.array(RateLimitRuleSchema).default([]),
    /**
     * Gateway replicas behind one load balancer. Rate limits are kept per replica, in memory:
     * above 1, each replica admits `1 / replicas` of every limit (at least 1), so together they
     * admit the limit instead of `replicas` times it. Assumes the balancer spreads callers
     * evenly; a replica that gets more than its share refuses early. `auto`: the count the
     * replicas keep in the store (as `budgets.replicas: auto` does; 1 without a store).
     */
    replicas: z.union([z.number().int().min(1).max(1_000), z.literal('auto')]).default(1),
    /** Send `x-ratelimit-*` headers on successful responses too (as OpenAI does). */
    headersOnSuccess: z.boolean().default(true),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.rules.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rate limit "${r.name}"` });
      seen.add(r.name);
    });
  })
  .prefault({});
export type RateLimitsSection = z.infer<typeof RateLimitsSectionSchema>;
