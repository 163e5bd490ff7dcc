import { z } from 'zod';

/** `mcp` section — filled in by the MCP gateway issue. */
export const McpSectionSchema = z.object({}).strict().prefault({});
export type McpSection = z.infer<typeof McpSectionSchema>;
