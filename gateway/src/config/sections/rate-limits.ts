import { z } from 'zod';

/** `rate-limits` section — filled in by the issue that owns it. */
export const RateLimitsSectionSchema = z.object({}).strict().prefault({});
export type RateLimitsSection = z.infer<typeof RateLimitsSectionSchema>;
