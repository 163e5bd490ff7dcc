import { z } from 'zod';
import { checkGuardrailsSection } from '../../guardrails/compile-rules.js';
import { NATIONAL_ID_COUNTRIES } from '../../guardrails/national-ids.js';
import { SecretRefSchema } from '../secret-ref.js';

/** Entity labels appear in masks (`[EMAIL]`) and span attributes. */
const EntityLabelSchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,39}$/, 'UPPER_SNAKE_CASE, at most 40 characters');

export const BUILTIN_ENTITIES = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'US_SSN', 'IBAN', 'IP_ADDRESS', 'SECRET'] as const;
export type BuiltinEntity = (typeof BUILTIN_ENTITIES)[number];

/** An http(s) URL without credentials (those belong in a SecretRef). */
const HttpUrlSchema = z.string().superRefine((s, ctx) => {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: `malformed URL "${s}"` });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'URL must be http or https' });
  if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'URL must not embed credentials; use a SecretRef' });
});

const ExternalCallFields = {
  /** Whole call, connect to last byte. */
  timeoutMs: z.number().int().positive().max(60_000).default(2_000),
  /** When the endpoint is down, slow or answers garbage: `open` lets content through, `closed` refuses it. */
  onError: z.enum(['open', 'closed']).default('open'),
};

const DetectorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('builtin'), entities: z.array(z.enum(BUILTIN_ENTITIES)).min(1) }).strict(),
  /** Countries: GB (NINO), ES (DNI/NIE), IT (codice fiscale), IN (Aadhaar). */
  z.object({ type: z.literal('national-id'), countries: z.array(z.enum(NATIONAL_ID_COUNTRIES)).min(1) }).strict(),
  z
    .object({
      type: z.literal('dictionary'),
      entity: EntityLabelSchema,
      /** Lists shipped with Sluice: `locations` = countries and major cities. */
      lists: z.array(z.enum(['locations'])).default([]),
      /** Operator phrases (code names, customers); matched case- and Unicode-insensitively on whole words. */
      phrases: z.array(z.string().min(1).max(200)).max(100_000).default([]),
    })
    .strict(),
  z
    .object({
      type: z.literal('regex'),
      entity: EntityLabelSchema,
      /** A JavaScript regex without nested quantifiers or backreferences and with bounded repetition. */
      pattern: z.string().min(1).max(1_000),
      flags: z.string().regex(/^(?!.*(.).*\1)[imsu]*$/, 'only i, m, s, u, each at most once').default(''),
    })
    .strict(),
  z
    .object({
      type: z.literal('openai-moderation'),
      baseUrl: HttpUrlSchema.default('https://api.openai.com/v1'),
      apiKey: SecretRefSchema,
      model: z.string().min(1).default('omni-moderation-latest'),
      /** Categories that count (e.g. `harassment`, `violence`); empty = any flagged category. */
      categories: z.array(z.string().min(1)).default([]),
      /** Count a category when its score reaches this, instead of the API's `flagged`. */
      minScore: z.number().min(0).max(1).optional(),
      ...ExternalCallFields,
    })
    .strict(),
  z
    .object({
      type: z.literal('webhook'),
      /** Receives `{text, direction, identity, route}`; answers allow / mask with spans / reject. */
      url: HttpUrlSchema,
      /** Non-secret headers sent with each call. */
      headers: z.record(z.string(), z.string()).default({}),
      /** Sent as `Authorization: Bearer …`. */
      bearerToken: SecretRefSchema.optional(),
      ...ExternalCallFields,
    })
    .strict(),
]);

const RuleSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-" only (1–64)'),
    detect: DetectorSchema,
    /**
     * `mask` replaces matches, `reject` refuses the request (400) or replaces the answer,
     * `log` records only (shadow mode). External moderation takes `reject` (enforce its
     * verdict, a webhook may also answer mask) or `log`.
     */
    action: z.enum(['reject', 'mask', 'log']).default('mask'),
    /** Fixed mask text (e.g. `XXXXX`); default is the entity label in brackets (`[EMAIL]`). */
    replacement: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[^"\\\u0000-\u001f]*$/, 'no quotes, backslashes or control characters (masks go into JSON strings)')
      .optional(),
    message: z.string().min(1).max(500).default('Rejected due to inappropriate content'),
    directions: z.array(z.enum(['request', 'response'])).min(1).default(['request', 'response']),
  })
  .strict();
export type GuardrailRule = z.infer<typeof RuleSchema>;
export type GuardrailDetector = z.infer<typeof DetectorSchema>;

/** Globs (`*` wildcard) per dimension; all given dimensions must match; omitted = any. */
export const PolicyMatchSchema = z
  .object({
    routes: z.array(z.string().min(1)).optional(),
    models: z.array(z.string().min(1)).optional(),
    teams: z.array(z.string().min(1)).optional(),
    agents: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type PolicyMatch = z.infer<typeof PolicyMatchSchema>;

const PolicySchema = z
  .object({
    name: z.string().min(1).optional(),
    match: PolicyMatchSchema.prefault({}),
    /** Rule names, or `*` for every rule. */
    rules: z.array(z.string().min(1)).min(1),
  })
  .strict();

export const GuardrailsSectionSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Shadow mode for everything: every rule only records its hits. */
    shadow: z.boolean().default(false),
    rules: z.array(RuleSchema).max(500).default([]),
    /** Which rules apply where. The default applies every rule to all traffic. */
    policies: z.array(PolicySchema).default([{ name: 'all', match: {}, rules: ['*'] }]),
    stream: z
      .object({
        /** Most text held back from a streamed answer while patterns decide (TTFT cost). */
        maxHoldBackChars: z.number().int().min(16).max(4_096).default(128),
      })
      .strict()
      .prefault({}),
    scan: z
      .object({
        /** Largest text (all parts of one request/response) scanned per call. 8 Mi chars. */
        maxChars: z.number().int().positive().default(8 * 1024 * 1024),
        /** Local scanning time per call before the budget policy applies. */
        maxMs: z.number().int().positive().default(2_000),
        /** Scanned per slice; the event loop is yielded between slices. 16 Ki chars. */
        sliceChars: z.number().int().min(1_024).default(16 * 1024),
        onBudgetExceeded: z.enum(['reject', 'allow']).default('reject'),
        /**
         * Memory for request texts scanned before (system prompts and conversation history,
         * which agents send again on every step), so each is scanned once. 0 turns it off.
         * 16 MiB.
         */
        memoBytes: z.number().int().min(0).default(16 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((section, ctx) => {
    for (const issue of checkGuardrailsSection(section)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  })
  .prefault({});
export type GuardrailsSection = z.infer<typeof GuardrailsSectionSchema>;
