import { z } from 'zod';
import { DurationSchema, FractionSchema } from './duration.js';

/**
 * Thresholds that make a run pass or fail (the exit code of `sluice scenario run`), e.g.
 * `{ metric: ttft_ms, stat: p95, max: 800ms }`, `{ metric: error_rate, max: 1% }`,
 * `{ metric: cost_per_run_usd, max: 0.02 }`.
 */

export const LATENCY_METRICS = ['ttft_ms', 'tpot_ms', 'step_ms', 'run_ms'] as const;
export const RATE_METRICS = ['error_rate', 'run_error_rate'] as const;
export const VALUE_METRICS = ['cost_per_run_usd', 'cost_usd', 'runs_per_sec', 'error_count', 'completed_runs', 'output_tokens', 'backup_calls', 'cache_hit_rate'] as const;
export const STATS = ['p50', 'p90', 'p95', 'p99', 'max', 'mean'] as const;
export type Stat = (typeof STATS)[number];

const LatencyExpectation = z
  .object({
    metric: z.enum(LATENCY_METRICS),
    stat: z.enum(STATS).default('p95'),
    /** Only this step's calls (by step name); all steps of the kind when absent. */
    step: z.string().optional(),
    max: DurationSchema.optional(),
    min: DurationSchema.optional(),
  })
  .strict();

const RateExpectation = z
  .object({
    metric: z.enum(RATE_METRICS),
    step: z.string().optional(),
    max: FractionSchema.optional(),
    min: FractionSchema.optional(),
  })
  .strict();

const ValueExpectation = z
  .object({
    metric: z.enum(VALUE_METRICS),
    /** For `error_count`: only errors of this type (`http_429`, `tool_error`, …). */
    errorType: z.string().optional(),
    step: z.string().optional(),
    max: z.number().nonnegative().optional(),
    min: z.number().nonnegative().optional(),
  })
  .strict();

export const ExpectationSchema = z
  .discriminatedUnion('metric', [LatencyExpectation, RateExpectation, ValueExpectation])
  .refine((e) => e.max !== undefined || e.min !== undefined, { message: 'give max and/or min' });
export type Expectation = z.output<typeof ExpectationSchema>;
