import { timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lookupClaim } from './claim-path.js';
import { parseDurationMs } from './duration.js';
import { TokenCache, tokenCacheKey } from './token-cache.js';
import { constantTimeEqual, defaultKeyId, digestFromHash, generateVirtualKey, hashVirtualKey, VIRTUAL_KEY_PREFIX } from './virtual-key.js';

describe('parseDurationMs', () => {
  it('reads the CLI forms', () => {
    expect(parseDurationMs('30d')).toBe(30 * 86_400_000);
    expect(parseDurationMs('12h')).toBe(12 * 3_600_000);
    expect(parseDurationMs('90m')).toBe(90 * 60_000);
    expect(parseDurationMs('45s')).toBe(45_000);
    expect(parseDurationMs('2w')).toBe(14 * 86_400_000);
  });
  it('refuses anything else', () => {
    for (const bad of ['', '30', 'd', '1.5h', '-1d', '0d', '1y', '30 days', '99999d']) expect(parseDurationMs(bad)).toBeUndefined();
  });
});

describe('lookupClaim', () => {
  const claims = { team: 'ai-research', org: { unit: { name: 'lab' } }, 'https://x.example/team': 'ns', 'a.b': 'flat' };
  it('reads top-level, nested and namespaced claims', () => {
    expect(lookupClaim(claims, 'team', '.')).toBe('ai-research');
    expect(lookupClaim(claims, 'org.unit.name', '.')).toBe('lab');
    expect(lookupClaim(claims, 'org/unit/name', '/')).toBe('lab');
    expect(lookupClaim(claims, 'https://x.example/team', '.')).toBe('ns');
    expect(lookupClaim(claims, 'a.b', '.')).toBe('flat');
  });
  it('never walks into prototypes or missing paths', () => {
    expect(lookupClaim(claims, 'constructor', '.')).toBeUndefined();
    expect(lookupClaim(claims, 'org.constructor', '.')).toBeUndefined();
    expect(lookupClaim(claims, 'team.length', '.')).toBeUndefined();
    expect(lookupClaim(claims, 'org.nope.name', '.')).toBeUndefined();
  });
});

describe('virtual keys', () => {
  it('are prefixed, 256-bit and distinct', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateVirtualKey()));
    expect(keys.size).toBe(200);
    for (const k of keys) {
      expect(k.startsWith(VIRTUAL_KEY_PREFIX)).toBe(true);
      expect(Buffer.from(k.slice(VIRTUAL_KEY_PREFIX.length), 'base64url')).toHaveLength(32);
    }
  });
  it('hash to sha256:<hex> and back to the digest', () => {
    const h = hashVirtualKey('sk-sluice-test');
    expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digestFromHash(h)).toHaveLength(32);
  });
  it('compare with crypto.timingSafeEqual, and unequal lengths never match', () => {
    const a = Buffer.alloc(32, 1);
    expect(constantTimeEqual(a, Buffer.alloc(32, 1))).toBe(timingSafeEqual(a, Buffer.alloc(32, 1)));
    expect(constantTimeEqual(a, Buffer.alloc(32, 2))).toBe(false);
    expect(constantTimeEqual(a, Buffer.alloc(31, 1))).toBe(false);
  });
  it('default ids are readable and id-safe', () => {
    expect(defaultKeyId('peter j@corp', () => Buffer.from([1, 2, 3]))).toBe('peter-j-corp-010203');
    expect(defaultKeyId('@@@', () => Buffer.from([1, 2, 3]))).toBe('key-010203');
  });
});

describe('TokenCache', () => {
  const owner = {};
  it('expires entries at their deadline and when the owner (config) changes', () => {
    const c = new TokenCache<string>(10);
    c.set('k', owner, 'v', 1_000);
    expect(c.get('k', owner, 999)).toBe('v');
    expect(c.get('k', {}, 999)).toBeUndefined();
    c.set('k', owner, 'v', 1_000);
    expect(c.get('k', owner, 1_000)).toBeUndefined();
  });
  it('stays within its bound, evicting the least recently used', () => {
    const c = new TokenCache<number>(3);
    for (let i = 0; i < 3; i++) c.set(`k${i}`, owner, i, 10);
    expect(c.get('k0', owner, 0)).toBe(0);
    c.set('k3', owner, 3, 10);
    expect(c.size).toBe(3);
    expect(c.get('k1', owner, 0)).toBeUndefined();
    expect(c.get('k0', owner, 0)).toBe(0);
  });
  it('keys by hash, never the token itself', () => {
    expect(tokenCacheKey('secret-token')).not.toContain('secret');
    expect(tokenCacheKey('a')).not.toBe(tokenCacheKey('b'));
  });
});
