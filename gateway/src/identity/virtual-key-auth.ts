import type { Identity } from '../pipeline/context.js';
import { authInvalid } from './auth-errors.js';
import type { AuthIndex } from './auth-index.js';
import { constantTimeEqual, digestVirtualKey, type DigestCompare } from './virtual-key.js';

/**
 * Checks a presented virtual key. The lookup is by SHA-256 digest (timing there reveals
 * nothing about any stored key: the attacker would need a preimage); the match is then
 * confirmed with a constant-time compare of the full digests.
 */
export function authenticateVirtualKey(key: string, index: AuthIndex, nowMs: number, compare: DigestCompare = constantTimeEqual): Identity {
  const digest = digestVirtualKey(key);
  const record = index.keys.get(digest.toString('hex'));
  if (record === undefined || !compare(digest, record.digest)) throw authInvalid('unknown API key');
  if (record.config.disabled) throw authInvalid(`API key ${record.config.id} is disabled`);
  if (record.expiresAtMs !== undefined && nowMs >= record.expiresAtMs) {
    throw authInvalid(`API key ${record.config.id} expired at ${new Date(record.expiresAtMs).toISOString()}`);
  }
  return record.identity;
}
