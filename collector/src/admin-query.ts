import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { tokenMatches } from './admin-token.js';
import { CollectorError, describeError } from './errors.js';
import { readBody } from './http/read-body.js';
import type { Clock, Logger } from './logger.js';
import type { SpanStore } from './store/store.js';

/** `POST /admin/query` body. */
export const AdminQueryRequestSchema = z
  .object({
    sql: z.string().min(1).max(1024 * 1024),
    format: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/)
      .default('JSONEachRow'),
  })
  .strict();
export type AdminQueryRequest = z.input<typeof AdminQueryRequestSchema>;

export interface AdminQueryDeps {
  store: SpanStore;
  /** The content of `<dataDir>/admin.token`. */
  token: string;
  logger: Logger;
  clock: Clock;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export const isLoopback = (addr: string | undefined): boolean =>
  addr !== undefined && (LOOPBACK.has(addr) || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(addr));

/**
 * Read-only SQL for `sluice query` when a running server holds the embedded store: only
 * loopback clients with the bearer token from the owner-only token file; the store runs
 * the SQL with `readonly=1`. Errors are JSON `{ error: { code, message } }`; results are
 * ClickHouse's own rendering in the requested format. The SQL itself is not logged.
 */
export function createAdminQueryHandler(d: AdminQueryDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async function adminQuery(req, res) {
    const started = d.clock.now();
    try {
      if (!isLoopback(req.socket.remoteAddress)) throw new CollectorError('COL_ADMIN_FORBIDDEN', 'the admin endpoint only answers loopback clients');
      const auth = req.headers.authorization ?? '';
      const presented = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
      if (presented === '' || !tokenMatches(presented, d.token)) {
        throw new CollectorError('COL_ADMIN_UNAUTHORIZED', 'missing or wrong bearer token (see <dataDir>/admin.token)');
      }
      const parsed = AdminQueryRequestSchema.safeParse(parseJson(await readBody(req, 1024 * 1024 + 1024)));
      if (!parsed.success) throw new CollectorError('COL_BAD_REQUEST', `body must be {sql, format?}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      let output: string;
      try {
        output = await d.store.queryReadonly(parsed.data.sql, parsed.data.format);
      } catch (err) {
        if (err instanceof CollectorError) throw err;
        throw new CollectorError('COL_QUERY_FAILED', describeError(err), { cause: err });
      }
      d.logger.info({ format: parsed.data.format, sqlBytes: parsed.data.sql.length, outputBytes: output.length, durationMs: d.clock.now() - started }, 'admin query');
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-sluice-format': parsed.data.format });
      res.end(output);
    } catch (err) {
      const e = err instanceof CollectorError ? err : new CollectorError('COL_INTERNAL', 'internal error', { cause: err });
      if (e.code === 'COL_ADMIN_FORBIDDEN' || e.code === 'COL_ADMIN_UNAUTHORIZED') {
        d.logger.warn({ code: e.code, remote: req.socket.remoteAddress }, 'admin query refused');
      }
      if (res.headersSent) return;
      const body = JSON.stringify({ error: { code: e.code, message: e.message } });
      res.writeHead(e.status, { 'content-type': 'application/json', ...(req.complete ? {} : { connection: 'close' }) });
      res.end(body);
    }
  };
}

function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw new CollectorError('COL_BAD_REQUEST', 'body is not valid JSON');
  }
}
