import { z } from 'zod';

/** `auth` section — filled in by the issue that owns it. */
export const AuthSectionSchema = z.object({}).strict().prefault({});
export type AuthSection = z.infer<typeof AuthSectionSchema>;
