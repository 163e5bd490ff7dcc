import { z } from 'zod';

/** `cache` section — filled in by the issue that owns it. */
export const CacheSectionSchema = z.object({}).strict().prefault({});
export type CacheSection = z.infer<typeof CacheSectionSchema>;
