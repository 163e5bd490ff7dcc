import { z } from 'zod';

/** A latency: a fixed number of ms, or uniform between `minMs` and `maxMs`. */
const LatencySchema = z.union([
  z.number().int().nonnegative(),
  z
    .object({ minMs: z.number().int().nonnegative(), maxMs: z.number().int().nonnegative() })
    .strict()
    .refine((l) => l.maxMs >= l.minMs, 'maxMs must be >= minMs'),
]);
export type SimLatency = z.infer<typeof LatencySchema>;

/** How one simulated tool behaves. Every field is optional: unset ones come from `defaults`. */
export const SimToolBehaviourSchema = z
  .object({
    latencyMs: LatencySchema.optional(),
    /** Approximate size of the text the tool returns (search results, documents). */
    resultBytes: z.number().int().nonnegative().max(64 * 1024 * 1024).optional(),
    /** Share of calls (0..1) that fail with a tool error (`isError: true`), drawn from the seeded RNG. */
    errorRate: z.number().min(0).max(1).optional(),
    /** Overrides the tool's description (a "rug pull" can also be simulated at runtime). */
    description: z.string().optional(),
  })
  .strict();
export type SimToolBehaviour = z.infer<typeof SimToolBehaviourSchema>;

/** A window, relative to server start, during which every call fails (HTTP: 503). */
const OutageSchema = z
  .object({ startMs: z.number().int().nonnegative(), durationMs: z.number().int().positive() })
  .strict();

/** Options of the simulated MCP server (`sluice sim`, tests, the `sim` upstream kind). */
export const SimMcpOptionsSchema = z
  .object({
    /** Seed of the RNG behind latency, failures and generated text: same seed, same run. */
    seed: z.number().int().default(1),
    /** `serverInfo.name`. */
    name: z.string().min(1).default('sluice-sim-mcp'),
    defaults: z
      .object({
        latencyMs: LatencySchema.default(0),
        resultBytes: z.number().int().nonnegative().default(512),
        errorRate: z.number().min(0).max(1).default(0),
      })
      .strict()
      .prefault({}),
    /** Per-tool overrides, by tool name. */
    tools: z.record(z.string(), SimToolBehaviourSchema).default({}),
    /** Only these tools are registered (default: all). */
    enabledTools: z.array(z.string()).optional(),
    outages: z.array(OutageSchema).default([]),
  })
  .strict();
export type SimMcpOptions = z.infer<typeof SimMcpOptionsSchema>;
export type SimMcpOptionsInput = z.input<typeof SimMcpOptionsSchema>;

/** Resolved behaviour of one tool. */
export interface ResolvedBehaviour {
  latencyMs: SimLatency;
  resultBytes: number;
  errorRate: number;
}

export function behaviourOf(options: SimMcpOptions, tool: string): ResolvedBehaviour {
  const own = options.tools[tool] ?? {};
  return {
    latencyMs: own.latencyMs ?? options.defaults.latencyMs,
    resultBytes: own.resultBytes ?? options.defaults.resultBytes,
    errorRate: own.errorRate ?? options.defaults.errorRate,
  };
}
