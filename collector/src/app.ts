import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createAdminQueryHandler } from './admin-query.js';
import { ensureAdminToken, removeAdminEndpoint, writeAdminEndpoint } from './admin-token.js';
import { createBatchWriter, type BatchWriterStats } from './batch-writer.js';
import type { CollectorConfig } from './config.js';
import { systemClock, type Clock, type Logger } from './logger.js';
import { createTracesHandler, newReceiverCounters, type ReceiverCounters } from './receiver.js';
import { errorReply } from './responses.js';
import { openSpool, type SpoolStats } from './spool/spool.js';
import { migrate } from './store/migrations.js';
import type { SpanStore } from './store/store.js';

export interface CollectorOptions {
  config: CollectorConfig;
  /** Owned by the caller: `close()` does not close it. */
  store: SpanStore;
  logger: Logger;
  clock?: Clock;
  /**
   * Enables `POST /admin/query` (token in `<dataDir>/admin.token`) and, on `listen`, the
   * discovery file `<dataDir>/admin.json` for `sluice query`.
   */
  dataDir?: string;
  /** Run schema migrations before the first insert (default true). */
  migrate?: boolean;
}

export interface CollectorStats extends ReceiverCounters {
  spool: SpoolStats;
  writer: BatchWriterStats;
}

export interface Collector {
  /** Node `http` request handler (`/v1/traces`, `/admin/query`), for mounting in another server. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  /** Stores everything acknowledged so far; rejects with `COL_STORE_UNAVAILABLE` if the store fails. */
  flush(): Promise<void>;
  stats(): CollectorStats;
  /** Stops listening, stores what it can, keeps the rest spooled. Idempotent. */
  close(): Promise<void>;
}

/**
 * The collector: an OTLP/HTTP receiver that acknowledges a batch only once it is fsynced in
 * the spool, and a batch writer that drains the spool into the store. Async because the
 * spool is recovered from disk first (batches left by a crash are replayed).
 */
export async function createCollector(o: CollectorOptions): Promise<Collector> {
  const clock = o.clock ?? systemClock;
  const spoolDir = resolve(o.config.spool.dir);
  const spool = await openSpool({ dir: spoolDir, maxBytes: o.config.spool.maxBytes, logger: o.logger, clock });
  const writer = createBatchWriter({
    spool,
    store: o.store,
    logger: o.logger,
    clock,
    maxRows: o.config.batch.maxRows,
    flushMs: o.config.batch.flushMs,
    retryMinMs: o.config.batch.retryMinMs,
    retryMaxMs: o.config.batch.retryMaxMs,
    deadLetterDir: join(spoolDir, 'rejected'),
    ...(o.migrate === false ? {} : { prepare: () => migrate(o.store) }),
  });
  const counters = newReceiverCounters();
  let closing: Promise<void> | undefined;
  const traces = createTracesHandler({ config: o.config, spool, writer, logger: o.logger, clock, counters, isClosing: () => closing !== undefined });
  const dataDir = o.dataDir === undefined ? undefined : resolve(o.dataDir);
  const admin = dataDir === undefined ? undefined : createAdminQueryHandler({ store: o.store, token: await ensureAdminToken(dataDir), logger: o.logger, clock });
  let server: Server | undefined;

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const reply = (status: number, message: string): void => {
      const r = errorReply('json', status, message);
      res.writeHead(r.status, { ...r.headers, ...(status === 405 ? { allow: 'POST' } : {}) });
      res.end(r.body);
    };
    if (path === '/v1/traces') return req.method === 'POST' ? traces(req, res) : reply(405, 'use POST');
    if (path === '/admin/query' && admin !== undefined) return req.method === 'POST' ? admin(req, res) : reply(405, 'use POST');
    reply(404, `no route for ${req.method ?? ''} ${path ?? ''}`);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((err: unknown) => {
      o.logger.error({ error: String(err) }, 'collector: unhandled request failure');
      if (!res.headersSent) res.writeHead(500).end();
    });
  };

  return {
    handle,
    async listen(port = o.config.port, host = o.config.host) {
      const s = createServer(handle);
      server = s;
      await new Promise<void>((res, rej) => {
        s.once('error', rej);
        s.listen(port, host, () => res());
      });
      const addr = s.address() as AddressInfo;
      const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      const url = `http://${hostForUrl === '0.0.0.0' || hostForUrl === '[::]' ? '127.0.0.1' : hostForUrl}:${addr.port}`;
      if (dataDir !== undefined) await writeAdminEndpoint(dataDir, { url, pid: process.pid });
      o.logger.info({ url, spool: spoolDir, store: o.store.info.location }, 'collector listening (POST /v1/traces)');
      return { url, port: addr.port };
    },
    flush: () => writer.forceFlush(),
    stats: () => ({ ...counters, refused: { ...counters.refused }, rejectReasons: { ...counters.rejectReasons }, spool: spool.stats(), writer: writer.stats() }),
    close() {
      closing ??= (async () => {
        if (server !== undefined) {
          const s = server;
          // In-flight exports get a few seconds to be answered; then connections are cut.
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((res) => {
            s.close(() => res());
            s.closeIdleConnections();
            timer = setTimeout(() => s.closeAllConnections(), 5000);
          });
          clearTimeout(timer);
        }
        await writer.close();
        await spool.close();
        if (dataDir !== undefined && server !== undefined) await removeAdminEndpoint(dataDir, process.pid);
      })();
      return closing;
    },
  };
}
