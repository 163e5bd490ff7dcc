import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { generateToolArguments } from './tool-args.js';

const ajv = new Ajv({ strict: false, logger: false });

const SCHEMAS: Record<string, unknown> = {
  weather: {
    type: 'object',
    properties: {
      city: { type: 'string', minLength: 2 },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer', minimum: 1, maximum: 7 },
      verbose: { type: 'boolean' },
    },
    required: ['city', 'unit', 'days'],
  },
  nested: {
    type: 'object',
    properties: {
      order: {
        type: 'object',
        properties: { id: { type: 'string', format: 'uuid' }, items: { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 2 } },
        required: ['id', 'items'],
      },
      note: { type: ['string', 'null'] },
    },
    required: ['order', 'note'],
  },
  refs: {
    type: 'object',
    $defs: { when: { type: 'string', format: 'date-time' } },
    properties: { at: { $ref: '#/$defs/when' }, kind: { const: 'meeting' }, size: { anyOf: [{ type: 'null' }, { type: 'integer' }] } },
    required: ['at', 'kind', 'size'],
  },
  allOf: {
    allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'number', default: 2.5 } }, required: ['b'] }],
  },
};

describe('generateToolArguments', () => {
  it.each(Object.entries(SCHEMAS))('produces arguments that validate against %s', (_name, schema) => {
    const args = generateToolArguments(schema);
    const valid = ajv.validate(schema as object, args);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('fills only required properties, with enum and bounds honoured', () => {
    expect(generateToolArguments(SCHEMAS['weather'])).toEqual({ city: 'sample city', unit: 'celsius', days: 1 });
  });

  it('is deterministic and total on odd input', () => {
    expect(generateToolArguments(SCHEMAS['nested'])).toEqual(generateToolArguments(SCHEMAS['nested']));
    expect(generateToolArguments(undefined)).toEqual({});
    expect(generateToolArguments({ type: 'string' })).toEqual({});
    const loop = { type: 'object', properties: { self: { $ref: '#' } }, required: ['self'] };
    expect(() => generateToolArguments(loop)).not.toThrow();
  });
});
