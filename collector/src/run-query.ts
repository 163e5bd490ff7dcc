import { readAdminEndpoint, readAdminToken } from './admin-token.js';
import type { StoreConfig } from './config.js';
import { CollectorError, describeError } from './errors.js';
import { openStore } from './store/open-store.js';

export interface RunQueryOptions {
  sql: string;
  /** ClickHouse output format (default JSONEachRow). */
  format?: string;
  config: StoreConfig;
  /** Where `admin.token` and `admin.json` live (the server's `dataDir`). */
  dataDir: string;
  /** A running server's collector URL; when set, only it is tried (no fallback). */
  gatewayUrl?: string;
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
}

export interface RunQueryResult {
  output: string;
  /** `server`: through a running server's admin endpoint; `store`: opened the store here. */
  via: 'server' | 'store';
}

/**
 * `sluice query`: read-only SQL against the configured store, whether or not a server is
 * running. A running server that holds the embedded store (chDB: one process only) is
 * found through `<dataDir>/admin.json` and asked over its loopback admin endpoint with the
 * token from `<dataDir>/admin.token`; when none answers, the store is opened here.
 */
export async function runQuery(o: RunQueryOptions): Promise<RunQueryResult> {
  const format = o.format ?? 'JSONEachRow';
  const discovered = o.gatewayUrl === undefined ? (await readAdminEndpoint(o.dataDir))?.url : undefined;
  const url = o.gatewayUrl ?? discovered;
  if (url !== undefined) {
    const token = await readAdminToken(o.dataDir);
    if (token === undefined) {
      if (o.gatewayUrl !== undefined) throw new CollectorError('COL_ADMIN_UNAUTHORIZED', `no admin token in ${o.dataDir}/admin.token`);
    } else {
      const answer = await askServer(o.fetch ?? fetch, url, token, o.sql, format);
      if (answer !== undefined) return { output: answer, via: 'server' };
      if (o.gatewayUrl !== undefined) throw new CollectorError('COL_STORE_UNAVAILABLE', `no server answers at ${url}`);
    }
  }
  const store = openStore(o.config, { env: o.env });
  try {
    return { output: await store.queryReadonly(o.sql, format), via: 'store' };
  } catch (err) {
    if (err instanceof CollectorError) throw err;
    throw new CollectorError('COL_QUERY_FAILED', describeError(err), { cause: err });
  } finally {
    await store.close();
  }
}

/** The server's answer, or `undefined` when nothing listens there (a stale admin.json). */
async function askServer(fetchFn: typeof fetch, url: string, token: string, sql: string, format: string): Promise<string | undefined> {
  let res: Response;
  try {
    res = await fetchFn(`${url}/admin/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql, format }),
    });
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return undefined;
    throw new CollectorError('COL_STORE_UNAVAILABLE', `admin endpoint ${url} failed: ${describeError(err)}`, { cause: err });
  }
  const text = await res.text();
  if (res.ok) return text;
  let message = text;
  let code = 'COL_QUERY_FAILED';
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    message = body.error?.message ?? text;
    code = body.error?.code ?? code;
  } catch {
    // not our JSON error: keep the text
  }
  const known = code === 'COL_ADMIN_UNAUTHORIZED' || code === 'COL_ADMIN_FORBIDDEN' ? code : 'COL_QUERY_FAILED';
  throw new CollectorError(known, message);
}
