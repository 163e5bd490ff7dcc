import { z } from 'zod';

/** One glob or a list of globs: `*` is any run of characters, `?` one character. */
const GlobsSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const ClaimValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/** Who a rule applies to; every field given must match (an empty match is everyone). */
const IdentityMatchSchema = z
  .object({
    agent: GlobsSchema.optional(),
    team: GlobsSchema.optional(),
    /** Claim path (split on `policies.claimDelimiter`) → value, glob, or list of either. */
    claims: z.record(z.string(), z.union([ClaimValueSchema, z.array(ClaimValueSchema).min(1)])).optional(),
  })
  .strict();
export type IdentityMatchConfig = z.infer<typeof IdentityMatchSchema>;

/** What a rule allows or denies; entries are globs, and the set covers anything any list matches. */
const ResourceSetSchema = z
  .object({
    providers: GlobsSchema.optional(),
    /** Client-facing model names (as in `models:`). */
    models: GlobsSchema.optional(),
    /** MCP servers. */
    servers: GlobsSchema.optional(),
    /** MCP tools: `tool-glob` on any server or `server/tool-glob`. */
    tools: GlobsSchema.optional(),
  })
  .strict()
  .refine((s) => Object.values(s).some((v) => v !== undefined), 'list at least one of providers, models, servers, tools');
export type ResourceSetConfig = z.infer<typeof ResourceSetSchema>;

const RuleSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    match: IdentityMatchSchema.prefault({}),
    /** The rule does not apply to identities matching this (e.g. "everyone except team X"). */
    except: IdentityMatchSchema.refine((m) => Object.values(m).some((v) => v !== undefined), 'an empty except would exclude everyone').optional(),
    allow: ResourceSetSchema.optional(),
    deny: ResourceSetSchema.optional(),
  })
  .strict()
  .refine((r) => r.allow !== undefined || r.deny !== undefined, 'a rule needs allow or deny');
export type PolicyRuleConfig = z.infer<typeof RuleSchema>;

/**
 * `policies`: who may use which providers, models, MCP servers and tools. Deny wins over
 * allow; what no rule decides falls to `default`, which must be explicit once rules exist.
 */
export const PoliciesSectionSchema = z
  .object({
    default: z.enum(['allow', 'deny']).optional(),
    claimDelimiter: z.string().min(1).default('.'),
    rules: z.array(RuleSchema).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.rules.length > 0 && p.default === undefined) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'set default: allow or default: deny (required when rules exist)' });
    }
    const names = new Set<string>();
    p.rules.forEach((r, i) => {
      if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rule name "${r.name}"` });
      names.add(r.name);
    });
  })
  .prefault({});
export type PoliciesSection = z.infer<typeof PoliciesSectionSchema>;
