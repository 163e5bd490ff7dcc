import type { RowFormat } from '../model/row-format.js';
import type { SpanRow } from '../model/span-row.js';

/** What a store is, for logs, migrations and error messages (never credentials). */
export interface StoreInfo {
  mode: 'embedded' | 'server';
  /** chDB path, or the server URL without credentials. */
  location: string;
  database: string;
  cluster: string | undefined;
  retentionDays: number;
}

export interface InsertOptions {
  /**
   * Passed as `insert_deduplication_token`: re-sending the same batch with the same token
   * is stored once (tables carry a deduplication window, see migrations).
   */
  dedupToken?: string;
  /**
   * This insert may run while another is in flight (the batch writer's second group). A
   * server takes it as one more request; embedded chDB runs it on a second session when
   * the shared one is busy inserting.
   */
  parallel?: boolean;
}

/** An insert body: whole, or in parts that follow one another. */
export type InsertBody = Buffer | string | readonly Buffer[];

/**
 * Where spans live: ClickHouse through `@clickhouse/client`, embedded (chDB) or server.
 * One implementation (`clickhouse-store.ts`), one contract suite (`store.contract.ts`).
 */
export interface SpanStore {
  readonly info: StoreInfo;
  /** Insert rows into `otel_traces` (materialized views fan them out). */
  insert(rows: readonly SpanRow[], opts?: InsertOptions): Promise<void>;
  /**
   * Insert a ready body in `format` (the spool keeps batches as Native bodies). A list is
   * one body in parts, sent in order without joining them (Native blocks and text rows
   * concatenate).
   */
  insertBody(table: string, body: InsertBody, format: RowFormat, opts?: InsertOptions): Promise<void>;
  /** Insert a ready `JSONEachRow` body. */
  insertJsonEachRow(table: string, body: Buffer | string, opts?: InsertOptions): Promise<void>;
  /** Parameterised query (`{name:Type}` placeholders), rows as objects. */
  query<T>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  /**
   * A read-only query rendered by ClickHouse in `format` (CSV, Pretty, JSONEachRow…). The
   * engine enforces `readonly=1`: writes, DDL and setting changes are refused.
   */
  queryReadonly(sql: string, format: string): Promise<string>;
  /** DDL and other statements without a result. */
  command(sql: string): Promise<void>;
  /** True when the store answers a `SELECT 1`. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
