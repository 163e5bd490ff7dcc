import { z } from 'zod';
import { BUILTIN_PROFILE_NAMES, FaultSpecSchema, ModelProfileSchema, QuotaSchema, parseFaultSpec } from '../sim/index.js';
import { SimToolBehaviourSchema } from '../sim-mcp/index.js';
import { DurationSchema } from './duration.js';

/**
 * Simulated upstreams a scenario starts: LLM providers (the `sim` server) and MCP servers
 * (`sim-mcp`), with latency profiles, error rates and outage windows. Windows count from
 * the start of the load, not from process start, so "503 from 30s to 60s" means what it says.
 */

const ProfileRefSchema = z.union([z.enum(BUILTIN_PROFILE_NAMES), ModelProfileSchema]);

const FaultSchema = z.union([
  z.string().superRefine((text, ctx) => {
    const r = parseFaultSpec(text);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.error });
  }),
  FaultSpecSchema,
]);

const FaultRuleSchema = z
  .object({
    /** Requests the rule applies to (upstream model name); all when absent. */
    model: z.string().optional(),
    /** Share of matching requests that get the fault. */
    rate: z.number().min(0).max(1).default(1),
    /** Window start after the load starts (inclusive); from the start when absent. */
    from: DurationSchema.optional(),
    /** Window end (exclusive); until the end when absent. */
    to: DurationSchema.optional(),
    /** `"status=503"`, `"stall-ms=2000"`, `"disconnect-after=5"`, … (see the simulator's README). */
    fault: FaultSchema,
  })
  .strict()
  .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, { message: 'from must not be after to', path: ['to'] });
export type ScenarioFaultRule = z.output<typeof FaultRuleSchema>;

const NAME = /^[A-Za-z0-9][A-Za-z0-9.-]*(?:_[A-Za-z0-9.-]+)*$/;

export const ProviderUpstreamSchema = z
  .object({
    /** The provider name the gateway config uses for it. */
    name: z.string().regex(NAME, 'letters, digits, ".", "-" and single "_"'),
    /** Fixed port (so a separately started gateway can point at it); 0 = any free port. */
    port: z.number().int().min(0).max(65_535).default(0),
    seed: z.number().int().optional(),
    /** Profile of models not listed under `models`. */
    profile: ProfileRefSchema.default('sim-fast'),
    /** Upstream model name → profile. */
    models: z.record(z.string(), ProfileRefSchema).default({}),
    faults: z.array(FaultRuleSchema).max(100).default([]),
    quota: QuotaSchema.optional(),
  })
  .strict();
export type ProviderUpstream = z.output<typeof ProviderUpstreamSchema>;

export const McpUpstreamSchema = z
  .object({
    /** Server name in the gateway (`<name>__<tool>` on the federated endpoint). */
    name: z.string().regex(NAME, 'letters, digits, ".", "-" and single "_"'),
    port: z.number().int().min(0).max(65_535).default(0),
    seed: z.number().int().default(1),
    defaults: SimToolBehaviourSchema.omit({ description: true }).default({}),
    /** Per tool (`search`, `fetch_document`, `lookup_customer`, `calculate`, `long_task`). */
    tools: z.record(z.string(), SimToolBehaviourSchema).default({}),
    /** Windows (after the load starts) in which the server answers 503. */
    outages: z
      .array(z.object({ from: DurationSchema, to: DurationSchema }).strict().refine((o) => o.from < o.to, { message: 'from must be before to', path: ['to'] }))
      .max(100)
      .default([]),
  })
  .strict();
export type McpUpstream = z.output<typeof McpUpstreamSchema>;

export const UpstreamsSchema = z
  .object({
    providers: z.array(ProviderUpstreamSchema).max(32).default([]),
    mcp: z.array(McpUpstreamSchema).max(32).default([]),
  })
  .strict()
  .superRefine((u, ctx) => {
    for (const key of ['providers', 'mcp'] as const) {
      const seen = new Set<string>();
      u[key].forEach((x, i) => {
        if (seen.has(x.name)) ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `duplicate upstream "${x.name}"` });
        seen.add(x.name);
      });
    }
  });
export type Upstreams = z.output<typeof UpstreamsSchema>;
