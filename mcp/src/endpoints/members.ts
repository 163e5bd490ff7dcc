import type { Span } from '@opentelemetry/api';
import { SLUICE } from '../../../collector/src/model/semconv.js';
import type { FrontSession } from '../session/front-session.js';
import type { UpstreamLink } from '../upstream/upstream-link.js';

export const UPSTREAM_UNAVAILABLE_EVENT = 'sluice.mcp.upstream_unavailable';

/**
 * Runs `fn` for every member upstream of a federated endpoint in parallel. A member that
 * fails is left out (recorded as a span event), so one broken server never hides the others.
 */
export async function eachMember<T>(session: FrontSession, members: readonly string[], span: Span | undefined, fn: (server: string, link: UpstreamLink) => Promise<T[]>): Promise<T[]> {
  const parts = await Promise.all(members.map(async (server) => {
    try {
      const link = await session.link(server);
      await link.ready();
      return await fn(server, link);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      span?.addEvent(UPSTREAM_UNAVAILABLE_EVENT, { [SLUICE.MCP_SERVER]: server, 'exception.message': message });
      session.core.deps.logger.warn({ upstream: server, err: message }, 'mcp upstream left out of a federated list');
      return [] as T[];
    }
  }));
  return parts.flat();
}

/** Reads every page of a paginated list (bounded), returning the items under `key`. */
export async function allPages<T>(fetchPage: (cursor: string | undefined) => Promise<{ nextCursor?: string } & Record<string, unknown>>, key: string, maxPages = 50): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const r = await fetchPage(cursor);
    out.push(...((r[key] as T[] | undefined) ?? []));
    cursor = r.nextCursor;
    if (!cursor) break;
  }
  return out;
}
