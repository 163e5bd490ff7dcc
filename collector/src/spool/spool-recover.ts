import { readdir, readFile, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { scanRecords } from './spool-record.js';

/** A segment file: records with consecutive seqs, appended in order. */
export interface Segment {
  path: string;
  sizeBytes: number;
  lastSeq: number;
}

/** One acknowledged batch waiting in the spool. */
export interface SpoolRecord {
  seq: number;
  rows: number;
  payloadBytes: number;
  segment: Segment;
  payloadOffset: number;
  /** Kept while the spool's memory budget allows; otherwise read back from the segment. */
  payload: Buffer | undefined;
  /** When it was appended (clock ms); 0 for records recovered at start (flush at once). */
  appendedAtMs: number;
}

export const SEGMENT_RE = /^seg-(\d{16})\.log$/;
export const segmentName = (firstSeq: number): string => `seg-${String(firstSeq).padStart(16, '0')}.log`;

export interface Recovered {
  segments: Segment[];
  records: SpoolRecord[];
  lastSeq: number;
  /** Bytes that could not be read back (corruption in a segment that was not the last). */
  lostBytes: number;
}

/**
 * Rebuilds the spool's state from its segment files after a start or a crash. A torn tail
 * in the last segment (a write that never completed, so was never acknowledged) is cut
 * off; damage elsewhere is logged and counted; fully stored segments are deleted.
 */
export async function recoverSegments(dir: string, committed: number, memoryBytes: number, logger: Logger): Promise<Recovered> {
  const names = (await readdir(dir)).filter((n) => SEGMENT_RE.test(n)).sort();
  const out: Recovered = { segments: [], records: [], lastSeq: committed, lostBytes: 0 };
  let inMemory = 0;
  for (const [i, name] of names.entries()) {
    const path = join(dir, name);
    const buf = await readFile(path);
    const scan = scanRecords(buf);
    const isLast = i === names.length - 1;
    if (scan.problem !== undefined) {
      const bad = buf.length - scan.validBytes;
      if (isLast) {
        await truncate(path, scan.validBytes);
        logger.warn({ segment: name, bytes: bad, problem: scan.problem }, 'spool: cut an incomplete record at the end of the last segment (it was never acknowledged)');
      } else {
        out.lostBytes += bad;
        logger.error({ segment: name, bytes: bad, problem: scan.problem }, 'spool: segment damaged; the records after the damage cannot be replayed');
      }
    }
    const segment: Segment = { path, sizeBytes: scan.validBytes, lastSeq: scan.records.at(-1)?.seq ?? 0 };
    let live = 0;
    for (const r of scan.records) {
      out.lastSeq = Math.max(out.lastSeq, r.seq);
      if (r.seq <= committed) continue;
      live += 1;
      const keep = inMemory + r.payloadBytes <= memoryBytes;
      if (keep) inMemory += r.payloadBytes;
      out.records.push({
        seq: r.seq,
        rows: r.rows,
        payloadBytes: r.payloadBytes,
        segment,
        payloadOffset: r.payloadOffset,
        // Copy: a subarray would pin the whole segment buffer.
        payload: keep ? Buffer.from(buf.subarray(r.payloadOffset, r.payloadOffset + r.payloadBytes)) : undefined,
        appendedAtMs: 0,
      });
    }
    if (live === 0) await unlink(path);
    else out.segments.push(segment);
  }
  out.records.sort((a, b) => a.seq - b.seq);
  return out;
}
