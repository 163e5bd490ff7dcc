import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export const VIRTUAL_KEY_PREFIX = 'sk-sluice-';
/** 32 random bytes = 256 bits: brute-forcing the stored SHA-256 is out of reach. */
const KEY_ENTROPY_BYTES = 32;
const HASH_PREFIX = 'sha256:';

/** Compares two digests without leaking where they differ; injected so tests can watch it. */
export type DigestCompare = (a: Buffer, b: Buffer) => boolean;
export const constantTimeEqual: DigestCompare = (a, b) => a.length === b.length && timingSafeEqual(a, b);

/** A new key (`sk-sluice-` + 43 base64url characters). Shown once; only its hash is stored. */
export function generateVirtualKey(random: (size: number) => Buffer = randomBytes): string {
  return VIRTUAL_KEY_PREFIX + random(KEY_ENTROPY_BYTES).toString('base64url');
}

/** SHA-256 digest of a presented key (one-shot `hash`: no Hash object per request). */
export function digestVirtualKey(key: string): Buffer {
  return hash('sha256', key, 'buffer');
}

/** The config form of a key's hash: `sha256:<hex>`. */
export function hashVirtualKey(key: string): string {
  return HASH_PREFIX + digestVirtualKey(key).toString('hex');
}

/** Digest bytes of a config hash (`sha256:<hex>`, validated by the schema). */
export function digestFromHash(hash: string): Buffer {
  return Buffer.from(hash.slice(HASH_PREFIX.length), 'hex');
}

/** A readable, unique-enough key id: `<agent>-<6 hex>`, restricted to id-safe characters. */
export function defaultKeyId(agent: string, random: (size: number) => Buffer = randomBytes): string {
  const slug = agent.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'key';
  return `${slug}-${random(3).toString('hex')}`;
}
