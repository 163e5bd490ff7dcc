import { z } from 'zod';

/** `routing` section — filled in by the issue that owns it. */
export const RoutingSectionSchema = z.object({}).strict().prefault({});
export type RoutingSection = z.infer<typeof RoutingSectionSchema>;
