import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UpstreamNameSchema } from './config-upstream.js';
import { globMatch, isValidToolName, joinName, splitName } from './naming.js';

const serverName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.-]{0,10}(_[A-Za-z0-9.-]{1,5})?$/);
const toolName = fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/);

describe('federated names', () => {
  it('splits every joined name back into its server and tool, even when the tool contains "__"', () => {
    fc.assert(fc.property(serverName, toolName, (server, tool) => {
      expect(UpstreamNameSchema.safeParse(server).success).toBe(true);
      const joined = joinName(server, tool);
      expect(joined).toBeDefined();
      expect(isValidToolName(joined ?? '')).toBe(true);
      expect(splitName(joined ?? '')).toEqual({ server, name: tool });
    }));
    expect(splitName('srv__a__b')).toEqual({ server: 'srv', name: 'a__b' });
  });

  it('refuses names that are not valid MCP tool names or exceed 128 characters', () => {
    expect(joinName('s', 'x'.repeat(125))).toBe(`s__${'x'.repeat(125)}`);
    expect(joinName('s', 'x'.repeat(126))).toBeUndefined();
    expect(joinName('s', 'has space')).toBeUndefined();
    expect(joinName('s', 'ok', false)).toBe('ok');
    expect(splitName('plain')).toBeUndefined();
    expect(splitName('__lead')).toBeUndefined();
    expect(splitName('trail__')).toBeUndefined();
  });

  it('keeps "__" out of upstream names so the split stays unambiguous', () => {
    expect(UpstreamNameSchema.safeParse('my__server').success).toBe(false);
    expect(UpstreamNameSchema.safeParse('my_server').success).toBe(true);
    expect(UpstreamNameSchema.safeParse('_lead').success).toBe(false);
  });

  it('matches * globs anchored, other characters literally', () => {
    expect(globMatch('sim__*', 'sim__search')).toBe(true);
    expect(globMatch('sim__*', 'xsim__search')).toBe(false);
    expect(globMatch('a.b', 'aXb')).toBe(false);
    expect(globMatch('*_customer', 'lookup_customer')).toBe(true);
  });
});
