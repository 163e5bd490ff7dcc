import { fieldPath, objectAt, onlyKeys } from './request-checks.js';
import { type Json, badField } from '../schemas/json-checks.js';

const CACHE_CONTROL_KEYS = new Set(['type', 'ttl']);
const TTLS = new Set(['5m', '1h']);

/**
 * `target` with the `cache_control` breakpoint of the Anthropic object `source`, checked as
 * Anthropic does. The canonical form carries it on the matching part, message, tool call or
 * tool (LiteLLM's convention), so an Anthropic provider puts it back where the client had it.
 * An absent or null breakpoint leaves `target` as it is.
 */
export function withCacheControl(target: Json, source: Json, parentPath: string): Json {
  const raw = source.cache_control;
  if (raw === undefined || raw === null) return target;
  const path = fieldPath(parentPath, 'cache_control');
  const cacheControl = objectAt(raw, path);
  onlyKeys(cacheControl, CACHE_CONTROL_KEYS, path);
  if (cacheControl.type !== 'ephemeral') throw badField(fieldPath(path, 'type'), "must be 'ephemeral'");
  if (cacheControl.ttl !== undefined && !(typeof cacheControl.ttl === 'string' && TTLS.has(cacheControl.ttl))) {
    throw badField(fieldPath(path, 'ttl'), "must be '5m' or '1h'");
  }
  target.cache_control = cacheControl;
  return target;
}
