import { isUtf8 } from 'node:buffer';

/**
 * Building an insert body as bytes, straight from the bytes of a decoded request, so the
 * hot path makes no JS strings: a growable buffer with the primitives of ClickHouse's
 * `Native` format (varint lengths, little-endian integers, length-prefixed strings).
 */
export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacityBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(capacityBytes);
  }

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  put(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A non-negative integer below 2^53 in decimal. */
  digits(n: number): void {
    this.ensure(16);
    const out = this.buf;
    let end = this.pos;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) end += 1;
    this.pos = end + 1;
    let rest = n;
    do {
      const q = Math.floor(rest / 10);
      out[end--] = 0x30 + (rest - q * 10);
      rest = q;
    } while (rest > 0);
  }

  /** Bytes as lowercase hex. */
  hex(src: Uint8Array, start: number, end: number): void {
    this.ensure((end - start) * 2);
    const out = this.buf;
    let p = this.pos;
    for (let i = start; i < end; i += 1) {
      const b = src[i] as number;
      out[p++] = HEX_DIGITS[b >> 4] as number;
      out[p++] = HEX_DIGITS[b & 15] as number;
    }
    this.pos = p;
  }

  /** An unsigned LEB128 varint (ClickHouse `Native` string lengths and counts), `n` < 2^32. */
  varint(n: number): void {
    this.ensure(5);
    const out = this.buf;
    let v = n >>> 0;
    while (v > 0x7f) {
      out[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    out[this.pos++] = v;
  }

  /** A little-endian 64-bit integer given as two unsigned 32-bit halves. */
  uint64Parts(lo: number, hi: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(lo >>> 0, this.pos);
    this.buf.writeUInt32LE(hi >>> 0, this.pos + 4);
    this.pos += 8;
  }

  /** A non-negative integer below 2^53 as a little-endian UInt64. */
  uint64(n: number): void {
    this.uint64Parts(n >>> 0, Math.floor(n / 0x100000000));
  }

  /** A signed 64-bit integer, little-endian (`Int64`, `DateTime64` ticks). */
  int64(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64LE(v, this.pos);
  }

  /**
   * `src[start, end)` as a `Native` `String` (varint length, bytes). Returns false, having
   * written nothing, when the bytes are not valid UTF-8: decoding would replace them, so the
   * caller must take the string path.
   */
  nativeBytes(src: Uint8Array, start: number, end: number): boolean {
    const n = end - start;
    this.ensure(n + 5);
    const at = this.pos;
    this.varint(n);
    const out = this.buf;
    let p = this.pos;
    if (n > 64) {
      // Long values (captured content): one native check and one copy.
      const view = src.subarray(start, end);
      if (!isUtf8(view)) {
        this.pos = at;
        return false;
      }
      out.set(view, p);
      this.pos = p + n;
      return true;
    }
    let high = 0;
    for (let i = start; i < end; i += 1) {
      const b = src[i] as number;
      high |= b;
      out[p++] = b;
    }
    if (high >= 0x80 && !isUtf8(src.subarray(start, end))) {
      this.pos = at;
      return false;
    }
    this.pos = p;
    return true;
  }

  /** A JS string as a `Native` `String` (UTF-8). */
  nativeString(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.ensure(n + 5);
    this.varint(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Bytes as a lowercase hex `Native` `String`. */
  nativeHex(src: Uint8Array, start: number, end: number): void {
    this.varint((end - start) * 2);
    this.hex(src, start, end);
  }

  /** A non-negative integer below 2^53 as a decimal `Native` `String`. */
  nativeDigits(n: number): void {
    this.ensure(17);
    const at = this.pos++;
    this.digits(n);
    this.buf[at] = this.pos - at - 1; // at most 16 digits: a one-byte length
  }

  /** An exact-size copy of what was written; the writer is then empty. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }
}

const HEX_DIGITS = Buffer.from('0123456789abcdef');
