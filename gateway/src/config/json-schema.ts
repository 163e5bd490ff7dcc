import { z } from 'zod';
import { ConfigSchema } from './schema.js';

/** JSON Schema of the config file (what may be written, before defaults), for editors. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'Sluice gateway config', $id: 'https://sluice.dev/schema/sluice.schema.json' };
}
