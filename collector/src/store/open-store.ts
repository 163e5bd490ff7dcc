import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import type { StoreConfig } from '../config.js';
import { CollectorError } from '../errors.js';
import { acquireChdb } from './chdb-engine.js';
import { createClickHouseStore } from './clickhouse-store.js';
import type { SpanStore, StoreInfo } from './store.js';

/** Where credentials and certificates come from; injected (only `main` reads process.env). */
export interface StoreDeps {
  env: Readonly<Record<string, string | undefined>>;
  readFile?: (path: string) => Buffer;
}

/**
 * Opens the configured store. Embedded mode shares the process's one chDB engine (see
 * `chdb-engine.ts`); server mode builds an HTTP(S) client. Nothing is contacted here:
 * an unreachable server shows up on first use, so the collector can start and spool.
 */
export function openStore(config: StoreConfig, deps: StoreDeps): SpanStore {
  if (config.mode === 'embedded') {
    const handle = acquireChdb(config.path);
    const info: StoreInfo = { mode: 'embedded', location: handle.path, database: config.database, cluster: undefined, retentionDays: config.retentionDays };
    return createClickHouseStore(info, {
      client: handle.client,
      readonly: async () => ({ client: await handle.readonlyClient(config.database), settings: {} }),
      rawInsert: (table, body, format, settings, parallel) => handle.rawInsert(table, body, format, settings, parallel),
      queryJsonEachRow: (sql, params) => handle.queryJsonEachRow(sql, params),
      command: (sql) => handle.command(sql),
      release: () => handle.release(),
    });
  }
  const options = serverClientOptions(config, deps);
  const client = createClient(options);
  const info: StoreInfo = {
    mode: 'server',
    location: redactUrl(options.url as string),
    database: config.database,
    cluster: config.cluster,
    retentionDays: config.retentionDays,
  };
  return createClickHouseStore(info, {
    client,
    readonly: async () => ({ client, settings: { readonly: '1' } }),
    release: () => client.close(),
  });
}

/** `@clickhouse/client` options for server mode, with secrets resolved from env or files. */
export function serverClientOptions(config: StoreConfig, deps: StoreDeps): ClickHouseClientConfigOptions & { url: string } {
  if (config.url === undefined) throw new CollectorError('COL_STORE_CONFIG', 'store.url is required in server mode');
  const read = deps.readFile ?? ((p: string) => readFileSync(p));
  const url = new URL(config.url);
  if (url.username !== '' || url.password !== '') {
    throw new CollectorError('COL_STORE_CONFIG', 'store.url must not carry credentials; use store.usernameEnv / passwordEnv / passwordFile');
  }
  const username = config.usernameEnv !== undefined ? required(deps.env[config.usernameEnv], `env ${config.usernameEnv}`) : config.username;
  let password: string | undefined;
  if (config.passwordEnv !== undefined) password = required(deps.env[config.passwordEnv], `env ${config.passwordEnv}`);
  if (config.passwordFile !== undefined) password = readSecret(read, config.passwordFile);
  const tls = config.tls;
  return {
    url: url.toString(),
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    request_timeout: config.requestTimeoutMs,
    // The batch writer reports store failures (once, with context); the client's own
    // stderr logging would only duplicate them.
    log: { level: ClickHouseLogLevel.OFF },
    // Response compression would add `enable_http_compression` to every request, which a
    // `readonly=1` query may not change.
    compression: { request: false, response: false },
    ...(tls?.caFile !== undefined
      ? {
          tls: {
            ca_cert: read(tls.caFile),
            ...(tls.certFile !== undefined && tls.keyFile !== undefined ? { cert: read(tls.certFile), key: read(tls.keyFile) } : {}),
          } as ClickHouseClientConfigOptions['tls'],
        }
      : {}),
  };
}

function required(v: string | undefined, what: string): string {
  if (v === undefined || v === '') throw new CollectorError('COL_STORE_CONFIG', `store credential ${what} is not set`);
  return v;
}

function readSecret(read: (p: string) => Buffer, path: string): string {
  try {
    const v = read(resolve(path)).toString('utf8').trim();
    if (v !== '') return v;
  } catch (err) {
    throw new CollectorError('COL_STORE_CONFIG', `store credential file ${path} cannot be read`, { cause: err });
  }
  throw new CollectorError('COL_STORE_CONFIG', `store credential file ${path} is empty`);
}

/** A URL fit for logs: no user info, no query string. */
export function redactUrl(raw: string): string {
  const u = new URL(raw);
  u.username = '';
  u.password = '';
  u.search = '';
  return u.toString().replace(/\/$/, '');
}
