import { z } from 'zod';
import { ScenarioSchema } from '../schema.js';

/** JSON Schema of scenario files (what may be written, before defaults), for editors. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'Sluice agent scenario', $id: 'https://sluice.dev/schema/scenario.schema.json' };
}

/** The checked-in file's text (`scenarios/scenario.schema.json`). */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
