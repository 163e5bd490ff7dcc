import { z } from 'zod';
import { ExpectationSchema } from './format/expectation-schema.js';
import { LoadSchema } from './format/load-schema.js';
import { LlmApiSchema, StepSchema, VarsSchema, type StepOutput } from './format/step-schema.js';
import { UpstreamsSchema } from './format/upstream-schema.js';

/**
 * A scenario file: who the agents are and what one run of each does, how runs arrive,
 * which simulated upstreams to start (with their faults), the gateway to start in-process
 * when no `--gateway` is given, and the thresholds that make the run pass. Strict: an
 * unknown key is an error with its path.
 */

const SecretEnvSchema = z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict();

/** Credentials come from the environment, never from the file. */
export const IdentitySchema = z
  .object({
    /** A virtual key (`sluice keys create`), sent as a bearer token. */
    key: SecretEnvSchema.optional(),
    /** A JWT, sent as a bearer token. */
    jwt: SecretEnvSchema.optional(),
    /**
     * A virtual key minted for this run and added to the in-process gateway's config
     * (drills of budgets, policies); the key lives in memory only. Not with `--gateway`.
     */
    mint: z
      .object({
        /** Agent name the gateway sees; default: the scenario agent's name. */
        agent: z.string().min(1).optional(),
        team: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Header carrying the credential (`authorization` sends `Bearer <value>`). */
    header: z.string().toLowerCase().default('authorization'),
  })
  .strict()
  .refine((i) => [i.key, i.jwt, i.mint].filter((x) => x !== undefined).length === 1, { message: 'give exactly one of key, jwt or mint' });
export type Identity = z.output<typeof IdentitySchema>;

export const AgentSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : - (at most 64)'),
    description: z.string().optional(),
    /** Share of the runs (open and closed models) relative to the other agents. */
    weight: z.number().nonnegative().default(1),
    /** Anonymous (whatever the gateway allows) when absent. */
    identity: IdentitySchema.optional(),
    vars: VarsSchema.default({}),
    /** A failed step ends the run (`stop`), or the run goes on (branches may test `error`). */
    onError: z.enum(['stop', 'continue']).default('stop'),
    /** Wire API of the agent's LLM steps (each step may say otherwise): `anthropic` for Claude-based agents. */
    api: LlmApiSchema.default('openai'),
    steps: z.array(StepSchema).min(1).max(256),
  })
  .strict();
export type Agent = Omit<z.output<typeof AgentSchema>, 'steps'> & { steps: StepOutput[] };

/** A named variant (`--profile ci`): a different load, expectations or default speed. */
export const ProfileSchema = z
  .object({
    description: z.string().optional(),
    /** `--speed` used under this profile unless one is given. */
    speed: z.number().positive().max(1_000).optional(),
    load: LoadSchema.optional(),
    expectations: z.array(ExpectationSchema).max(100).optional(),
  })
  .strict();

/** USD per 1M tokens, for cost estimates when the gateway reports none. */
const PriceSchema = z.object({ inputUsdPerMTok: z.number().nonnegative(), outputUsdPerMTok: z.number().nonnegative() }).strict();

export const ScenarioSchema = z
  .object({
    /** Schema of the file (editors); ignored by the runner. */
    $schema: z.string().optional(),
    name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : - (at most 64)'),
    description: z.string().optional(),
    agents: z.array(AgentSchema).min(1).max(1_000),
    load: LoadSchema,
    upstreams: UpstreamsSchema.prefault({}),
    gateway: z
      .object({
        /**
         * Gateway config (the `sluice.yaml` shape) to start in-process when no `--gateway`
         * URL is given. Providers and MCP servers named like an upstream get its address.
         * Without it, a config serving every upstream's models and tools is made up.
         */
        config: z.record(z.string(), z.unknown()).optional(),
        /** Keep spans in a temporary embedded store, for costs and the stored view in the report. */
        store: z.boolean().default(true),
        /** Path of the federated MCP endpoint. */
        mcpPath: z.string().startsWith('/').default('/mcp'),
      })
      .strict()
      .prefault({}),
    /** Prices used when the gateway reports no cost (estimates are labelled so). */
    pricing: z.record(z.string(), PriceSchema).default({}),
    expectations: z.array(ExpectationSchema).max(100).default([]),
    /** Variants selected with `--profile NAME` (e.g. a short `ci` run). */
    profiles: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and - (at most 32)'), ProfileSchema).default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    s.agents.forEach((a, i) => {
      if (names.has(a.name)) ctx.addIssue({ code: 'custom', path: ['agents', i, 'name'], message: `duplicate agent "${a.name}"` });
      names.add(a.name);
    });
    const loads: Array<[Array<string | number>, typeof s.load]> = [[['load'], s.load]];
    for (const [name, p] of Object.entries(s.profiles)) if (p.load) loads.push([['profiles', name, 'load'], p.load]);
    for (const [path, load] of loads) {
      if (load.model !== 'schedule') continue;
      load.starts.forEach((st, i) => {
        if (!names.has(st.agent)) ctx.addIssue({ code: 'custom', path: [...path, 'starts', i, 'agent'], message: `unknown agent "${st.agent}"` });
      });
    }
    if (s.load.model !== 'schedule' && s.agents.every((a) => a.weight === 0)) {
      ctx.addIssue({ code: 'custom', path: ['agents'], message: 'at least one agent needs a weight above 0' });
    }
  });

/** A validated scenario, defaults applied, durations in milliseconds. */
export type Scenario = Omit<z.output<typeof ScenarioSchema>, 'agents'> & { agents: Agent[] };
export type ScenarioInput = z.input<typeof ScenarioSchema>;
