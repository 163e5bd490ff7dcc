import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioJsonSchema, scenarioJsonSchemaText } from './json-schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHECKED_IN = join(ROOT, 'scenario.schema.json');

describe('scenario JSON Schema', () => {
  it('the checked-in scenarios/scenario.schema.json matches the zod schema (regenerate with scenarioJsonSchemaText)', () => {
    expect(readFileSync(CHECKED_IN, 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('accepts every shipped example and refuses an unknown key, as editors will', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(scenarioJsonSchema());
    const dir = join(ROOT, 'examples');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const ok = validate(parse(readFileSync(join(dir, file), 'utf8')));
      expect({ file, errors: ok ? [] : validate.errors }).toEqual({ file, errors: [] });
    }
    const bad = { name: 'x', agents: [{ name: 'a', steps: [{ llm: { model: 'm', prompt: 'p', colour: 'blue' } }] }], load: { model: 'closed', concurrency: 1, runs: 1 } };
    expect(validate(bad)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'colour')).toBe(true);
    const twoKinds = { ...bad, agents: [{ name: 'a', steps: [{ think: '1s', llm: { model: 'm', prompt: 'p' } }] }] };
    expect(validate(twoKinds)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'maxProperties')).toBe(true);
  });
});
