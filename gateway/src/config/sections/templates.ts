import { z } from 'zod';
import { checkTemplatesSection } from '../../templates/compile-templates.js';
import { PolicyMatchSchema } from './guardrails.js';

const TemplateMessageSchema = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant']),
    /** Text with `{{ variable | default }}` placeholders (model, route, identity.*, headers.*, metadata.*). */
    content: z.string().min(1).max(100_000),
  })
  .strict();

const TemplateDefinitionSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-" only (1–64)'),
    /** Versions of one name sort numerically where they are numbers (`2` < `10`). */
    version: z.union([z.string().regex(/^[A-Za-z0-9._-]{1,32}$/), z.number().int().nonnegative()]).transform(String),
    description: z.string().max(1_000).optional(),
    /** Where the messages go: before the client's messages or after them. */
    position: z.enum(['prepend', 'append']).default('prepend'),
    /** Shorthand for one system message. */
    system: z.string().min(1).max(100_000).optional(),
    messages: z.array(TemplateMessageSchema).max(64).default([]),
  })
  .strict();
export type TemplateDefinition = z.infer<typeof TemplateDefinitionSchema>;

const TemplateAttachSchema = z
  .object({
    template: z.string().min(1),
    /** A pinned version; the highest version when omitted. */
    version: z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String).optional(),
    /** Which requests get it (routes, models, teams, agents; globs). Omitted = every chat request. */
    match: PolicyMatchSchema.prefault({}),
  })
  .strict();
export type TemplateAttach = z.infer<typeof TemplateAttachSchema>;

/** `templates`: named, versioned system prompts and message templates, attached per route/model/team/agent. */
export const TemplatesSectionSchema = z
  .object({
    definitions: z.array(TemplateDefinitionSchema).default([]),
    attach: z.array(TemplateAttachSchema).default([]),
  })
  .strict()
  .superRefine((section, ctx) => {
    for (const issue of checkTemplatesSection(section)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  })
  .prefault({});
export type TemplatesSection = z.infer<typeof TemplatesSectionSchema>;
