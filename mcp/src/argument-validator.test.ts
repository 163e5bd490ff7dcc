import { describe, expect, it } from 'vitest';
import { ArgumentValidator } from './argument-validator.js';

describe('argument validation against inputSchema', () => {
  const schema = { type: 'object', properties: { q: { type: 'string', minLength: 1 }, n: { type: 'integer', maximum: 5 } }, required: ['q'], additionalProperties: false };

  it('accepts valid arguments and explains invalid ones', () => {
    const v = new ArgumentValidator();
    expect(v.validate('fp1', schema, { q: 'x', n: 2 })).toBeUndefined();
    expect(v.validate('fp1', schema, {})).toMatch(/required property 'q'/);
    expect(v.validate('fp1', schema, { q: 'x', n: 9 })).toMatch(/arguments\/n/);
    expect(v.validate('fp1', schema, { q: 'x', extra: true })).toMatch(/additional properties/);
  });

  it('supports JSON Schema 2020-12 features tools use ($defs, $ref)', () => {
    const v = new ArgumentValidator();
    const s = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', $defs: { a: { type: 'object', properties: { city: { type: 'string' } } } }, properties: { address: { $ref: '#/$defs/a' } } };
    expect(v.validate('fp2', s, { address: { city: 'Paris' } })).toBeUndefined();
    expect(v.validate('fp2', s, { address: { city: 7 } })).toMatch(/city/);
  });

  it('does not enforce a schema it cannot compile, and says so once', () => {
    const seen: string[] = [];
    const v = new ArgumentValidator((fp) => seen.push(fp));
    expect(v.validate('fp3', { type: 'object', properties: { a: { $ref: '#/nowhere' } } }, { a: 1 })).toBeUndefined();
    expect(v.validate('fp3', { type: 'object', properties: { a: { $ref: '#/nowhere' } } }, { a: 1 })).toBeUndefined();
    expect(seen).toEqual(['fp3']);
  });
});
