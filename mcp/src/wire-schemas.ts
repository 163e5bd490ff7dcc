import { z } from 'zod';

/**
 * Loose result schemas for relaying upstream answers: unknown fields pass through untouched
 * (the SDK's own `ToolSchema` drops fields it does not know, which a proxy must not do).
 */
export const LooseResultSchema = z.looseObject({});

const LooseToolSchema = z.looseObject({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.looseObject({}).optional(),
  outputSchema: z.looseObject({}).optional(),
  execution: z.looseObject({ taskSupport: z.string().optional() }).optional(),
});
export type UpstreamTool = z.infer<typeof LooseToolSchema>;

export const ToolListResultSchema = z.looseObject({
  tools: z.array(LooseToolSchema),
  nextCursor: z.string().optional(),
});

export const CallToolResultLooseSchema = z.looseObject({
  content: z.array(z.looseObject({ type: z.string() })).optional(),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  isError: z.boolean().optional(),
});
export type ToolResult = z.infer<typeof CallToolResultLooseSchema>;

const NamedSchema = z.looseObject({ name: z.string() });
export const PromptListResultSchema = z.looseObject({ prompts: z.array(NamedSchema), nextCursor: z.string().optional() });
export const ResourceListResultSchema = z.looseObject({
  resources: z.array(z.looseObject({ uri: z.string(), name: z.string().optional() })),
  nextCursor: z.string().optional(),
});
export const ResourceTemplateListResultSchema = z.looseObject({
  resourceTemplates: z.array(z.looseObject({ uriTemplate: z.string(), name: z.string().optional() })),
  nextCursor: z.string().optional(),
});
