import { Readable } from 'node:stream';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { RowFormat } from '../model/row-format.js';
import { encodeSpanRowsNative } from '../model/span-block-native.js';
import type { SpanRow } from '../model/span-row.js';
import { CollectorError } from '../errors.js';
import type { InsertBody, InsertOptions, SpanStore, StoreInfo } from './store.js';
import { fileClauseOf } from './file-clauses.js';

/** How a store reaches ClickHouse; built by `open-store.ts` for embedded or server mode. */
export interface ClickHouseBackend {
  client: ClickHouseClient;
  /** The client for read-only queries and the settings that make them read-only. */
  readonly(): Promise<{ client: ClickHouseClient; settings: ClickHouseSettings }>;
  /** Optional zero-copy insert of a ready body, in parts (embedded chDB); `parallel` as in `InsertOptions`. */
  rawInsert?(table: string, parts: readonly Buffer[], format: RowFormat, settings: Record<string, string>, parallel?: boolean): Promise<void>;
  /** Optional direct query returning JSONEachRow text, and statements on the same session (embedded chDB). */
  queryJsonEachRow?(sql: string, params: Record<string, unknown> | undefined): Promise<string>;
  command?(sql: string): Promise<void>;
  release(): Promise<void>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOKEN = /^[A-Za-z0-9:_.-]{1,200}$/;
const FORMAT = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const INSERT_FORMATS: readonly RowFormat[] = ['Native', 'TabSeparated', 'JSONEachRow'];

/**
 * The one `SpanStore` implementation, over `@clickhouse/client` whatever the connection.
 * On embedded chDB the hot paths take the engine's own calls where the backend offers them
 * (`rawInsert`, `queryJsonEachRow`, `command`: no result stream per query); read-only
 * queries and pings stay on the client. Per-statement settings are written into the SQL
 * (`INSERT … SETTINGS …`) rather than passed as client settings, because the chDB
 * connection turns those into session-wide `SET`s that would leak into later statements.
 */
export function createClickHouseStore(info: StoreInfo, backend: ClickHouseBackend): SpanStore {
  const db = info.database;
  let closed: Promise<void> | undefined;
  const client = backend.client;

  const insertBody = async (table: string, body: InsertBody, format: RowFormat, opts: InsertOptions = {}): Promise<void> => {
    if (!IDENT.test(table)) throw new CollectorError('COL_INTERNAL', `bad table name ${JSON.stringify(table)}`);
    if (!INSERT_FORMATS.includes(format)) throw new CollectorError('COL_INTERNAL', `bad insert format ${JSON.stringify(format)}`);
    const parts = (typeof body === 'string' ? [Buffer.from(body)] : Buffer.isBuffer(body) ? [body] : body).filter((p) => p.length > 0);
    if (parts.length === 0) return;
    let settings = '';
    if (opts.dedupToken !== undefined) {
      if (!TOKEN.test(opts.dedupToken)) throw new CollectorError('COL_INTERNAL', 'bad dedup token');
      settings = ` SETTINGS insert_deduplication_token = '${opts.dedupToken}'`;
    }
    if (backend.rawInsert !== undefined) {
      await backend.rawInsert(`${db}.${table}`, parts, format, opts.dedupToken === undefined ? {} : { insert_deduplication_token: opts.dedupToken }, opts.parallel);
      return;
    }
    const res = await client.exec({
      query: `INSERT INTO \`${db}\`.\`${table}\`${settings} FORMAT ${format}`,
      values: Readable.from(parts),
    });
    await drain(res.stream);
  };

  return {
    info,
    insert: (rows: readonly SpanRow[], opts?: InsertOptions) => insertBody('otel_traces', encodeSpanRowsNative(rows), 'Native', opts),
    insertBody,
    insertJsonEachRow: (table, body, opts) => insertBody(table, body, 'JSONEachRow', opts),
    async query<T>(sql: string, params?: Record<string, unknown>): Promise<T[]> {
      if (backend.queryJsonEachRow !== undefined) return parseJsonEachRow<T>(await backend.queryJsonEachRow(sql, params));
      const rs = await client.query({ query: sql, format: 'JSONEachRow', query_params: params });
      return rs.json<T>();
    },
    async queryReadonly(sql: string, format: string): Promise<string> {
      if (!FORMAT.test(format)) throw new CollectorError('COL_QUERY_FAILED', `unknown output format ${JSON.stringify(format)}`);
      const fileClause = fileClauseOf(sql);
      if (fileClause !== undefined) throw new CollectorError('COL_QUERY_FAILED', `${fileClause} reads or writes local files; read-only queries may not use it`);
      const ro = await backend.readonly();
      const res = await ro.client.exec({ query: `${stripTrailingSemicolons(sql)}\nFORMAT ${format}`, clickhouse_settings: ro.settings });
      return readText(res.stream);
    },
    async command(sql: string): Promise<void> {
      if (backend.command !== undefined) return backend.command(sql);
      await client.command({ query: sql });
    },
    async ping(): Promise<boolean> {
      try {
        const r = await client.ping();
        return r.success;
      } catch {
        return false;
      }
    },
    close(): Promise<void> {
      closed ??= backend.release();
      return closed;
    },
  };
}

function parseJsonEachRow<T>(text: string): T[] {
  const rows: T[] = [];
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (end > at) rows.push(JSON.parse(text.slice(at, end)) as T);
    at = end + 1;
  }
  return rows;
}

function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/u, '');
}

async function drain(stream: Readable): Promise<void> {
  for await (const _ of stream) {
    // discard: inserts answer with an empty body
  }
}

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
