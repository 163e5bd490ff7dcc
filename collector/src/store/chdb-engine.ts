import { join, resolve } from 'node:path';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { createClient, parseError, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { Session } from 'chdb';
import { createChdbConnection, type ChdbConnection } from 'chdb/connection';
import { CollectorError } from '../errors.js';
import { ROW_FORMAT_EXTENSIONS, type RowFormat } from '../model/row-format.js';
import { writeAll } from '../write-all.js';

/**
 * chDB is one engine per process, bound to one data directory. This module is the only
 * place that opens it: stores on the same path share the engine (reference-counted), a
 * store on another path while it is open is refused with `COL_STORE_ENGINE_BUSY`.
 */
interface Engine {
  path: string;
  refs: number;
  connection: ChdbConnection;
  client: ClickHouseClient;
  /**
   * One session for inserts, queries and statements, as one connection would be: a read
   * waits for an insert in flight and sees it (budget sync reads the freshest totals), and
   * the client's `SET`s never reach it. (A `parallel` insert may take `insertSession`.)
   */
  session: Session;
  /**
   * For `parallel` inserts (the batch writer's), opened at the first one, and taken only
   * while the shared session has more inserts in flight: one chDB insert runs on one core,
   * so two sessions insert about twice the rows. A read still waits for the insert that
   * went first, and with one group at a time (light load) every insert stays shared.
   */
  insertSession: Session | undefined;
  /** Inserts in flight on `session` and on `insertSession`. */
  inserts: { shared: number; side: number };
  /** Where insert bodies are written for the engine to read (`insertFileDir`). */
  insertDir: string;
  insertFiles: number;
  readonly: Promise<ClickHouseClient> | undefined;
}

let engine: Engine | undefined;

export interface ChdbHandle {
  readonly path: string;
  readonly client: ClickHouseClient;
  /** A second session on the same engine whose settings are pinned to `readonly=1`. */
  readonlyClient(database?: string): Promise<ClickHouseClient>;
  /**
   * Inserts a `format` body, given in parts, into `table`: written to a file the engine
   * reads with `INSERT … FROM INFILE` (see `insertFromFile`). Errors are reshaped like the
   * client's (`code` = ClickHouse error number). With `parallel`, the insert takes the second
   * insert session when the shared one is busier.
   */
  rawInsert(table: string, parts: readonly Buffer[], format: RowFormat, settings: Record<string, string>, parallel?: boolean): Promise<void>;
  /**
   * A query's JSONEachRow text, straight from the engine (parameters bound by chDB, as the
   * connection binds them). The client's path (result stream, ResultSet) adds ~0.3 ms per
   * query at the median and ~3 ms at p99, which point lookups (the cache) feel.
   */
  queryJsonEachRow(sql: string, params: Record<string, unknown> | undefined): Promise<string>;
  /** A statement on the same session as `queryJsonEachRow`, so its `USE` applies there. */
  command(sql: string): Promise<void>;
  release(): Promise<void>;
}

export function acquireChdb(rawPath: string): ChdbHandle {
  const path = resolve(rawPath);
  if (engine !== undefined && engine.path !== path) {
    throw new CollectorError(
      'COL_STORE_ENGINE_BUSY',
      `an embedded store is already open on ${engine.path} in this process; chDB runs one engine per process, so ${path} cannot be opened too`,
    );
  }
  if (engine === undefined) {
    mkdirSync(path, { recursive: true });
    const insertDir = insertFileDir(path);
    const connection = createChdbConnection({ path });
    engine = {
      path,
      refs: 0,
      connection,
      client: clientOn(connection),
      session: new Session(path),
      insertSession: undefined,
      inserts: { shared: 0, side: 0 },
      insertDir,
      insertFiles: 0,
      readonly: undefined,
    };
  }
  const e = engine;
  e.refs += 1;
  let released = false;
  return {
    path,
    client: e.client,
    readonlyClient(database?: string) {
      e.readonly ??= openReadonly(path, database);
      return e.readonly;
    },
    async rawInsert(table, parts, format, settings, parallel = false) {
      const lane = parallel && e.inserts.shared > e.inserts.side ? 'side' : 'shared';
      const session = lane === 'side' ? (e.insertSession ??= new Session(path)) : e.session;
      e.inserts[lane] += 1;
      try {
        // Per insert (one syscall per batch): the directory may not exist yet, or any more.
        mkdirSync(e.insertDir, { recursive: true, mode: 0o700 });
        await insertFromFile(session, join(e.insertDir, `insert-${process.pid}-${++e.insertFiles}.${ROW_FORMAT_EXTENSIONS[format]}`), table, parts, format, settings);
      } catch (err) {
        throw asClickHouseError(err);
      } finally {
        e.inserts[lane] -= 1;
      }
    },
    async queryJsonEachRow(sql, params) {
      try {
        const opts = { format: 'JSONEachRow' };
        const result = params && Object.keys(params).length > 0 ? await e.session.queryBindAsync(sql, params, opts) : await e.session.queryAsync(sql, opts);
        return result.text();
      } catch (err) {
        throw asClickHouseError(err);
      }
    },
    async command(sql) {
      try {
        await e.session.queryAsync(sql, { format: 'JSONEachRow' });
      } catch (err) {
        throw asClickHouseError(err);
      }
    },
    async release() {
      if (released) return;
      released = true;
      e.refs -= 1;
      if (e.refs > 0) return;
      if (engine === e) engine = undefined;
      if (e.readonly !== undefined) await (await e.readonly.catch(() => undefined))?.close();
      e.session.close();
      e.insertSession?.close();
      await e.client.close();
    },
  };
}

/**
 * The directory of insert bodies under the store's path, emptied of what processes no
 * longer running left there (bodies are only ever in transit: the spool holds every batch
 * until it is stored). Created by the first insert, so a process that only reads never
 * writes it.
 */
function insertFileDir(path: string): string {
  const dir = join(path, 'insert-bodies');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return dir; // none yet
  }
  for (const name of names) {
    const m = /^insert-(\d+)-\d+\.[a-z]+$/.exec(name);
    if (m && !isRunning(Number(m[1]))) rmSync(join(dir, name), { force: true });
  }
  return dir;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const SETTING_NAME = /^[a-z_][a-z0-9_]*$/;
const sqlString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * `INSERT INTO table FROM INFILE 'file' SETTINGS … FORMAT <format>` on `session`, the
 * body's parts written to `file` first (one gathered write, no joined copy) and removed
 * after. The engine reads the file itself: on this machine ~30 % less CPU and wall time per
 * row than chDB's insert with the body in memory (`Session.insert`), measured on the
 * collector's GenAI span batches (TabSeparated, materialized views included). The file is
 * not synced: the spool is what makes a batch durable.
 */
async function insertFromFile(session: Session, file: string, table: string, parts: readonly Buffer[], format: RowFormat, settings: Record<string, string>): Promise<void> {
  const pairs = Object.entries(settings).map(([k, v]) => {
    if (!SETTING_NAME.test(k)) throw new CollectorError('COL_INTERNAL', `bad setting name ${JSON.stringify(k)}`);
    return `${k} = ${sqlString(v)}`;
  });
  try {
    await writeParts(file, parts);
    await session.queryAsync(`INSERT INTO ${table} FROM INFILE ${sqlString(file)}${pairs.length > 0 ? ` SETTINGS ${pairs.join(', ')}` : ''} FORMAT ${format}`, { format: 'JSONEachRow' });
  } finally {
    await rm(file, { force: true });
  }
}

/** Writes `parts` one after another into a new owner-only `file`. */
async function writeParts(file: string, parts: readonly Buffer[]): Promise<void> {
  const fh = await open(file, 'w', 0o600);
  try {
    await writeAll(fh, parts);
  } finally {
    await fh.close();
  }
}

/** An engine error reshaped like the client's (`code` = ClickHouse error number), the original as `cause`. */
function asClickHouseError(err: unknown): Error {
  const mapped = parseError(err instanceof Error ? err.message : String(err));
  if (mapped !== err) (mapped as Error & { cause?: unknown }).cause = err;
  return mapped;
}

/**
 * Session settings persist in chDB (clickhouse-js `clickhouse_settings` become `SET`s), so
 * read-only queries get their own session: `readonly=1` there cannot leak into the write
 * path, and the engine itself refuses writes, DDL and multi-statement tricks.
 */
async function openReadonly(path: string, database: string | undefined): Promise<ClickHouseClient> {
  const client = clientOn(createChdbConnection({ path }));
  // Unqualified table names (`FROM llm_calls`) resolve in the store's database, as they do
  // on a server where the client names its database.
  if (database !== undefined) {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS \`${database}\`` });
    await client.command({ query: `USE \`${database}\`` });
  }
  // Bound what an operator's ad-hoc query may cost; then lock the session.
  await client.command({ query: 'SET max_execution_time = 300' });
  await client.command({ query: 'SET max_result_bytes = 1073741824' });
  await client.command({ query: 'SET readonly = 1' });
  return client;
}

/**
 * `@clickhouse/client` bundles its own copy of the client-common types, so chdb's
 * `Connection` (typed against `@clickhouse/client-common`) needs a cast; the runtime
 * contract is the same.
 */
function clientOn(connection: ChdbConnection): ClickHouseClient {
  return createClient({ connection: connection as unknown as ClickHouseClientConfigOptions['connection'] });
}

/** The path of the open embedded engine, if any (diagnostics and tests). */
export const openChdbPath = (): string | undefined => engine?.path;
