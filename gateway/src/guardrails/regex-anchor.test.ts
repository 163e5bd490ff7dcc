import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMAIL_SPEC, IPV6_SPEC } from './builtin-pii.js';
import { secretSpecs } from './builtin-secrets.js';
import { classSet, regexPattern } from './regex-pattern.js';

/** Pieces near each anchored detector's shape: whole tokens, their parts and their neighbours. */
const FRAGMENTS = [
  'bob@example.com', 'a.b+c@mail.example.co.uk', '@', '@@', 'x@y', `${'a'.repeat(70)}@example.com`, 'user@', '@example.com',
  '2001:db8::1', 'fe80::1:2:3', '::', ':', 'std::vector', 'Cafe::Bad', '1:2:3:4:5:6:7:8', '::ffff:192.168.0.1',
  'AKIAIOSFODNN7EXAMPLE', 'AKIA', 'AIzaSyA1234567890abcdefghijklmnopqrstu', 'ya29.abcdefghijklmnopqrstuvwxyz', 'AccountKey=',
  'abc1Q~abcdefghijklmnopqrstuvwxyz01234', 'Q~', 'sk-ant-api03-abcdefghijklmnopqrstuvwx', 'sk-proj-abcdefghijklmnopqrstuvwxyz', 'sk-',
  'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'github_pat_abcdefghijklmnopqrstuvwxyz', 'xoxb-1234567890-abc', 'sk_live_abcdefghijklmnopqr',
  'rk_test_abcdefghijklmnopqr', '_', '-----BEGIN RSA PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  'Bearer ', 'bearer    ', 'Bearer\t', 'earer ', 'Bearer abcdefghijklmnopqrstu', 'xBearer abcdefghijklmnopqrstu',
  'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', ' ', '.', '-', 'A', 'a', '0', 'é', '\n',
];
const textArb = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 12 }).map((a) => a.join(''));

describe('detector anchors', () => {
  const specs = [EMAIL_SPEC, IPV6_SPEC, ...secretSpecs()].filter((s) => s.anchor);

  it('cover the anchored detectors', () => {
    expect(specs.map((s) => s.detector)).toEqual(expect.arrayContaining(['email', 'ipv6', 'aws-access-key', 'bearer-token', 'private-key']));
  });

  for (const spec of specs) {
    it(`property: ${spec.detector} finds exactly what its plain regex finds`, () => {
      const anchored = regexPattern(spec);
      const plain = regexPattern({ ...spec, anchor: undefined });
      fc.assert(
        fc.property(textArb, fc.nat(), fc.nat(), fc.boolean(), (text, a, b, final) => {
          const from = a % (text.length + 1);
          const limit = from + (b % (text.length - from + 1));
          expect(anchored.scan(text, from, limit, final)).toEqual(plain.scan(text, from, limit, final));
        }),
        { numRuns: 400 },
      );
    });
  }

  it('refuses an anchor that belongs to the run before it', () => {
    expect(() => regexPattern({ entity: 'X', detector: 'x', source: '[a-z]{1,8}@', anchor: { find: '@', min: 1, max: 8, within: classSet('a-z@') } })).toThrow();
  });
});
