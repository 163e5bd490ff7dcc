import type { IncomingHttpHeaders } from 'node:http';
import { HEADER } from '../../../collector/src/model/semconv.js';
import { CACHE_MODES, type CacheMode } from '../config/sections/cache.js';
import { GatewayError } from '../errors.js';

/** What the cache may do for one request. */
export interface CacheAccess {
  /** Serve from the cache. */
  read: boolean;
  /** Store the fresh answer. */
  write: boolean;
}

const ACCESS: Record<CacheMode, CacheAccess> = {
  off: { read: false, write: false },
  on: { read: true, write: true },
  'read-only': { read: true, write: false },
  refresh: { read: false, write: true },
};

export const accessOf = (mode: CacheMode): CacheAccess => ACCESS[mode];

/** The mode name of an access (for spans and the README's table). */
export function modeOf(a: CacheAccess): CacheMode {
  if (a.read) return a.write ? 'on' : 'read-only';
  return a.write ? 'refresh' : 'off';
}

const headerValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(',') : v);

/**
 * The access for a request: the configured mode, narrowed by `x-sluice-cache`
 * (off | on | read-only | refresh) and `Cache-Control` (`no-cache` = do not serve from
 * the cache, `no-store` = do not store). Headers only narrow: a client cannot turn on
 * what the operator turned off. An unknown `x-sluice-cache` value is refused (400) rather
 * than guessed at.
 */
export function requestAccess(configured: CacheMode, headers: IncomingHttpHeaders): CacheAccess {
  const access = { ...ACCESS[configured] };
  const asked = headerValue(headers[HEADER.CACHE])?.trim().toLowerCase();
  if (asked !== undefined && asked !== '') {
    if (!(CACHE_MODES as readonly string[]).includes(asked)) {
      throw new GatewayError('GW_BAD_REQUEST', `header ${HEADER.CACHE} must be one of ${CACHE_MODES.join(', ')}; got ${JSON.stringify(asked.slice(0, 40))}`, { param: HEADER.CACHE });
    }
    const h = ACCESS[asked as CacheMode];
    access.read &&= h.read;
    access.write &&= h.write;
  }
  const cc = headerValue(headers['cache-control']);
  if (cc) {
    for (const raw of cc.split(',')) {
      const d = raw.trim().toLowerCase();
      if (d === 'no-cache') access.read = false;
      else if (d === 'no-store') access.write = false;
    }
  }
  return access;
}
