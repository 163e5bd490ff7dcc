import { NATIVE_BLOCK_FIRST_BYTE } from './span-block-native.js';

/** Formats of an `otel_traces` insert body (all are what the spool may hold). */
export type RowFormat = 'Native' | 'TabSeparated' | 'JSONEachRow';

/**
 * A spooled body's format: the receiver writes Native blocks, which start with their
 * column count; bodies spooled by earlier versions are TabSeparated, whose rows start with
 * the span's start time (digits), or JSONEachRow, whose rows start with `{`. Replay after an
 * upgrade inserts each in its own format.
 */
export function rowFormatOf(body: Uint8Array): RowFormat {
  if (body[0] === 0x7b) return 'JSONEachRow';
  return body[0] === NATIVE_BLOCK_FIRST_BYTE ? 'Native' : 'TabSeparated';
}

/** File name extension for a body in `format` (insert files, dead letters). */
export const ROW_FORMAT_EXTENSIONS: Readonly<Record<RowFormat, string>> = { Native: 'native', TabSeparated: 'tsv', JSONEachRow: 'jsonl' };
