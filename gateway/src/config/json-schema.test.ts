import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './json-schema.js';

describe('config JSON Schema for editors', () => {
  it('is checked in and matches the zod schema (regenerate: sluice config schema --out sluice.schema.json)', () => {
    const checkedIn = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'sluice.schema.json'), 'utf8'));
    expect(checkedIn).toEqual(configJsonSchema());
  });

  it('forbids unknown keys at the top level', () => {
    const s = configJsonSchema() as { additionalProperties?: unknown; properties: Record<string, unknown> };
    expect(s.additionalProperties).toBe(false);
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['server', 'providers', 'models', 'auth', 'budgets', 'guardrails', 'cache', 'mcp', 'telemetry', 'store']));
  });
});
