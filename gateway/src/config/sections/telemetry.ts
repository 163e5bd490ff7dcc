import { z } from 'zod';

/**
 * `telemetry`: span export. Standard `OTEL_*` variables (endpoint, headers, service name,
 * resource attributes, sampler, batch processor) override these where set.
 */
export const TelemetrySectionSchema = z
  .object({
    enabled: z.boolean().default(true),
    serviceName: z.string().default('sluice-gateway'),
    /** OTLP/HTTP traces URL; default: the in-process collector. */
    otlpEndpoint: z.string().url().optional(),
    /** Record prompts/completions (after guardrail masking) as gen_ai.*.messages. Off by default. */
    captureContent: z.boolean().default(false),
    /** Cap per captured content attribute. 16 KiB. */
    contentMaxBytes: z.number().int().positive().default(16 * 1024),
    batch: z
      .object({
        maxQueueSize: z.number().int().positive().default(8192),
        maxExportBatchSize: z.number().int().positive().default(1024),
        scheduledDelayMs: z.number().int().positive().default(500),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type TelemetrySection = z.infer<typeof TelemetrySectionSchema>;
