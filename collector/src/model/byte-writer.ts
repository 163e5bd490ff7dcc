import { isUtf8 } from 'node:buffer';

/**
 * Building an insert body as bytes, straight from the bytes of a decoded request, so the
 * hot path makes no JS strings: a growable buffer, and TabSeparated string writers that
 * emit exactly what `span-row-tsv.ts` writes for the same text (UTF-8 encoded).
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

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** A string known to be ASCII without characters to escape (numbers, fixed names). */
  ascii(s: string): void {
    this.ensure(s.length);
    const out = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i += 1) out[p++] = s.charCodeAt(i);
    this.pos = p;
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

  utf8(s: string): void {
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
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

  /**
   * `src[start, end)` as a top-level TabSeparated field (`tsvField`). Returns false, having
   * written nothing, when the bytes are not valid UTF-8: decoding would replace them, so
   * the caller must take the string path.
   */
  tsvField(src: Uint8Array, start: number, end: number): boolean {
    return this.escaped(src, start, end, FIELD_CLASS, false);
  }

  /** `src[start, end)` as a quoted string inside a map or an array (`tsvQuoted`); see `tsvField`. */
  tsvQuoted(src: Uint8Array, start: number, end: number): boolean {
    return this.escaped(src, start, end, QUOTED_CLASS, true);
  }

  /** An exact-size copy of what was written; the writer is then empty. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }

  private escaped(src: Uint8Array, start: number, end: number, classes: Uint8Array, quoted: boolean): boolean {
    this.ensure((end - start) * 2 + 2);
    const out = this.buf;
    let p = this.pos;
    let nonAscii = false;
    if (quoted) out[p++] = QUOTE;
    for (let i = start; i < end; i += 1) {
      const b = src[i] as number;
      const c = classes[b] as number;
      if (c === PLAIN) out[p++] = b;
      else if (c === HIGH) {
        out[p++] = b;
        nonAscii = true;
      } else {
        out[p++] = BACKSLASH;
        out[p++] = c;
      }
    }
    if (quoted) out[p++] = QUOTE;
    if (nonAscii && !isUtf8(src.subarray(start, end))) return false;
    this.pos = p;
    return true;
  }
}

const QUOTE = 0x27;
const BACKSLASH = 0x5c;
const HEX_DIGITS = Buffer.from('0123456789abcdef');
/** Byte classes: copy, copy (part of a multi-byte character), or the escape letter. */
const PLAIN = 0;
const HIGH = 1;
const FIELD_CLASS = new Uint8Array(256).map((_, b) => (b >= 0x80 ? HIGH : PLAIN));
FIELD_CLASS[BACKSLASH] = BACKSLASH;
FIELD_CLASS[0x09] = 0x74; // \t
FIELD_CLASS[0x0a] = 0x6e; // \n
FIELD_CLASS[0x0d] = 0x72; // \r
const QUOTED_CLASS = Uint8Array.from(FIELD_CLASS);
QUOTED_CLASS[QUOTE] = QUOTE;
