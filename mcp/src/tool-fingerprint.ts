import { createHash } from 'node:crypto';

/** The parts of a tool definition a model reads; a change to any of them is a new definition. */
export interface ToolDefinitionLike {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
}

/** JSON with object keys sorted at every level, so equal definitions hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 (hex) over name, title, description and both schemas. */
export function toolFingerprint(tool: ToolDefinitionLike): string {
  const subject = { name: tool.name, title: tool.title, description: tool.description ?? '', inputSchema: tool.inputSchema ?? null, outputSchema: tool.outputSchema ?? null };
  return createHash('sha256').update(canonicalJson(subject)).digest('hex');
}
