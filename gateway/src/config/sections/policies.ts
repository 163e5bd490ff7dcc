import { z } from 'zod';

/** `policies` section — filled in by the issue that owns it. */
export const PoliciesSectionSchema = z.object({}).strict().prefault({});
export type PoliciesSection = z.infer<typeof PoliciesSectionSchema>;
