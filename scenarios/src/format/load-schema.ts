import { z } from 'zod';
import { DurationSchema } from './duration.js';

/**
 * How runs are started. Open model: runs arrive at a rate whatever the system's state
 * (Poisson or evenly spaced; stages ramp the rate), as real users do — latency is measured
 * from each run's scheduled start, so a slow gateway cannot slow the arrivals down
 * (no coordinated omission). Closed model: N agents run back to back. Schedule: runs start
 * at given offsets (recorded traffic).
 */

const StageSchema = z
  .object({
    duration: DurationSchema,
    /** Arrivals per second at the end of the stage. */
    ratePerSec: z.number().nonnegative().max(100_000),
    /** Ramp linearly from the previous stage's rate (0 for the first) instead of jumping. */
    ramp: z.boolean().default(false),
  })
  .strict();
export type LoadStage = z.output<typeof StageSchema>;

const common = {
  /** Seeds arrivals, agent choice, template picks and think times: same seed, same run plan. */
  seed: z.number().int().default(1),
  /** Hard stop: no new run starts after this, and in-flight runs are abandoned (counted) after `drain`. */
  maxDuration: DurationSchema.default(600_000),
  /** How long runs still in flight at the end may take to finish. */
  drain: DurationSchema.default(30_000),
  /** Open MCP sessions and send one tiny call per model before the clock starts. */
  warmup: z.boolean().default(true),
  /** Runs in flight at once at most; arrivals beyond are counted as dropped, never silently lost. */
  maxInFlight: z.number().int().min(1).max(100_000).default(10_000),
};

export const OpenLoadSchema = z
  .object({
    model: z.literal('open'),
    arrival: z.enum(['poisson', 'constant']).default('poisson'),
    stages: z.array(StageSchema).min(1).max(100),
    /** Stop after this many runs even if stages remain. */
    maxRuns: z.number().int().positive().max(10_000_000).optional(),
    ...common,
  })
  .strict();

export const ClosedLoadSchema = z
  .object({
    model: z.literal('closed'),
    /** Agents running at once; each starts its next run when the last one ends. */
    concurrency: z.number().int().min(1).max(10_000),
    /** Total runs (across all workers) … */
    runs: z.number().int().positive().max(10_000_000).optional(),
    /** … or run for this long. */
    duration: DurationSchema.optional(),
    /** Pause of a worker between two runs. */
    pauseBetweenRuns: DurationSchema.default(0),
    ...common,
  })
  .strict()
  .refine((l) => l.runs !== undefined || l.duration !== undefined, { message: 'give runs and/or duration' });

export const ScheduleLoadSchema = z
  .object({
    model: z.literal('schedule'),
    /** One run per entry, of the named agent, at `at` after the start. */
    starts: z
      .array(z.object({ agent: z.string().min(1), at: DurationSchema }).strict())
      .min(1)
      .max(100_000),
    ...common,
  })
  .strict();

export const LoadSchema = z.discriminatedUnion('model', [OpenLoadSchema, ClosedLoadSchema, ScheduleLoadSchema]);
export type Load = z.output<typeof LoadSchema>;
export type OpenLoad = z.output<typeof OpenLoadSchema>;
export type ClosedLoad = z.output<typeof ClosedLoadSchema>;
export type ScheduleLoad = z.output<typeof ScheduleLoadSchema>;
