import { z } from 'zod';

/** `templates` section — filled in by the issue that owns it. */
export const TemplatesSectionSchema = z.object({}).strict().prefault({});
export type TemplatesSection = z.infer<typeof TemplatesSectionSchema>;
