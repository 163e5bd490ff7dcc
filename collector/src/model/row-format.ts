/** Formats of an `otel_traces` insert body (both are what the spool may hold). */
export type RowFormat = 'TabSeparated' | 'JSONEachRow';

/**
 * A spooled body's format: the receiver writes TabSeparated, whose rows start with the
 * span's start time (digits); bodies spooled by versions before it are JSONEachRow, whose
 * rows start with `{`. Replay after an upgrade inserts each in its own format.
 */
export const rowFormatOf = (body: Uint8Array): RowFormat => (body[0] === 0x7b ? 'JSONEachRow' : 'TabSeparated');
