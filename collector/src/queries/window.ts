/**
 * Shared pieces of the query builders: a half-open time window [from, to) passed as
 * milliseconds (parameters, never string-formatted dates: no time-zone surprises between
 * chDB and a server), and result shapes.
 */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/** A built query: SQL with `{name:Type}` placeholders and their values. */
export interface BuiltQuery {
  sql: string;
  params: Record<string, unknown>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `db`.`table`, refusing anything that is not a plain identifier. */
export function table(database: string, name: string): string {
  if (!IDENT.test(database) || !IDENT.test(name)) throw new Error(`not an identifier: ${database}.${name}`);
  return `\`${database}\`.\`${name}\``;
}

/** WHERE fragment for a DateTime64 column over the window. */
export const timeFilter = (column: string): string =>
  `${column} >= fromUnixTimestamp64Milli({fromMs:Int64}) AND ${column} < fromUnixTimestamp64Milli({toMs:Int64})`;

export const windowParams = (w: TimeWindow): Record<string, unknown> => ({ fromMs: Math.trunc(w.fromMs), toMs: Math.trunc(w.toMs) });

/** ClickHouse may quote 64-bit integers in JSON (server default) or not (chDB): normalise. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** A quantile over no rows is NaN (rendered null): report it as undefined, not 0. */
export const optionalNum = (v: unknown): number | undefined => {
  if (v === null || v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};
