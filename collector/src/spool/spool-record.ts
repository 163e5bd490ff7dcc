import { crc32 } from 'node:zlib';

/**
 * Spool record framing (pure). One record = one acknowledged batch:
 *
 *   magic u32 'SLS1' | crc32 u32 | payloadBytes u32 | rows u32 | seq u64 | payload
 *
 * All little-endian; the CRC covers bytes 8..24 of the header and the payload, so a torn
 * or corrupted record is recognised on recovery and never replayed. The payload is the
 * batch's insert body, exactly what the store insert sends (Native; TabSeparated or
 * JSONEachRow when spooled by an earlier version, see `model/row-format.ts`).
 */
export const RECORD_MAGIC = 0x31534c53; // "SLS1" read little-endian
export const RECORD_HEADER_BYTES = 24;

export interface RecordHeader {
  seq: number;
  rows: number;
  payloadBytes: number;
}

export function encodeRecordHeader(h: RecordHeader, payload: Uint8Array): Buffer {
  const b = Buffer.alloc(RECORD_HEADER_BYTES);
  b.writeUInt32LE(RECORD_MAGIC, 0);
  b.writeUInt32LE(h.payloadBytes, 8);
  b.writeUInt32LE(h.rows, 12);
  b.writeBigUInt64LE(BigInt(h.seq), 16);
  b.writeUInt32LE(crc32(payload, crc32(b.subarray(8, RECORD_HEADER_BYTES))), 4);
  return b;
}

export interface ParsedRecord extends RecordHeader {
  /** Offset of the payload in the scanned buffer. */
  payloadOffset: number;
}

export interface ScanResult {
  records: ParsedRecord[];
  /** Bytes of the buffer that hold whole, valid records; anything after is torn or corrupt. */
  validBytes: number;
  /** Why scanning stopped before the end, if it did. */
  problem: string | undefined;
}

/** Reads consecutive records from a segment's bytes, stopping at the first bad one. */
export function scanRecords(buf: Buffer): ScanResult {
  const records: ParsedRecord[] = [];
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < RECORD_HEADER_BYTES) return { records, validBytes: off, problem: 'truncated header' };
    if (buf.readUInt32LE(off) !== RECORD_MAGIC) return { records, validBytes: off, problem: 'bad magic' };
    const payloadBytes = buf.readUInt32LE(off + 8);
    const end = off + RECORD_HEADER_BYTES + payloadBytes;
    if (end > buf.length) return { records, validBytes: off, problem: 'truncated payload' };
    const crc = crc32(buf.subarray(off + RECORD_HEADER_BYTES, end), crc32(buf.subarray(off + 8, off + RECORD_HEADER_BYTES)));
    if (crc !== buf.readUInt32LE(off + 4)) return { records, validBytes: off, problem: 'checksum mismatch' };
    records.push({
      seq: Number(buf.readBigUInt64LE(off + 16)),
      rows: buf.readUInt32LE(off + 12),
      payloadBytes,
      payloadOffset: off + RECORD_HEADER_BYTES,
    });
    off = end;
  }
  return { records, validBytes: off, problem: undefined };
}
