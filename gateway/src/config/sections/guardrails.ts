import { z } from 'zod';

/** `guardrails` section — filled in by the issue that owns it. */
export const GuardrailsSectionSchema = z.object({}).strict().prefault({});
export type GuardrailsSection = z.infer<typeof GuardrailsSectionSchema>;
