import type { HrTime } from '@opentelemetry/api';

const textEncoder = new TextEncoder();

/** Bytes of `v` as a protobuf varint (`v` an unsigned 32-bit length). */
const varintSize32 = (v: number): number => (v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5);

/**
 * A growable protobuf writer that makes one pass: a length-delimited field reserves one
 * byte for its length and shifts its content when the length needs more. It writes the same
 * bytes as the OTel JS `ProtobufWriter` (minimal varints, ASCII fast path, `TextEncoder`
 * otherwise, fixed64 times split like `writeHrTimeAsFixed64`), without its size pre-pass.
 *
 * Messages can be cut off one after another with `take()`: each is a view into a shared
 * slab (a new slab when one fills), so many small encodings cost few buffer allocations.
 */
export class ProtobufWriter {
  buf: Buffer;
  pos = 0;
  /** Where the message being written starts (`take()` moves it on). */
  private base = 0;

  constructor(private readonly slabBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(slabBytes);
  }

  ensure(extraBytes: number): void {
    if (this.pos + extraBytes <= this.buf.length) return;
    // Move the message being written to the start of a new slab; views taken earlier keep theirs.
    const used = this.pos - this.base;
    const next = Buffer.allocUnsafe(Math.max(this.slabBytes, 2 * (used + extraBytes)));
    this.buf.copy(next, 0, this.base, this.pos);
    this.buf = next;
    this.base = 0;
    this.pos = used;
  }

  /** The message written since the last `take()`, as a view; writing goes on after it. */
  take(): Uint8Array {
    const out = this.buf.subarray(this.base, this.pos);
    this.base = this.pos;
    return out;
  }

  /** Everything written (for a writer used for one message). */
  finish(): Uint8Array {
    return this.buf.subarray(this.base, this.pos);
  }

  tag(fieldNumber: number, wireType: number): void {
    const v = (fieldNumber << 3) | wireType;
    if (v > 0x7f) return this.varint(v);
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** Reserves the length of a length-delimited field; pass the result to `endLength`. */
  beginLength(): number {
    this.ensure(1);
    return this.pos++ - this.base;
  }

  endLength(mark: number): void {
    const len = (this.pos - this.base - mark - 1) >>> 0;
    const size = varintSize32(len);
    if (size > 1) {
      this.ensure(size - 1); // may move the message: offsets are taken after it
      const from = this.base + mark + 1;
      this.buf.copyWithin(from + size - 1, from, this.pos);
      this.pos += size - 1;
    }
    const b = this.buf;
    let at = this.base + mark;
    let v = len;
    while (v > 0x7f) {
      b[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[at] = v;
  }

  varint(value: number): void {
    this.ensure(10);
    const b = this.buf;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 0x7f) {
        b[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      b[this.pos++] = v;
      return;
    }
    // 64-bit, two's complement for negatives (as the OTel writer does).
    const abs = Math.abs(value);
    let low = abs >>> 0;
    let high = (abs / 0x100000000) >>> 0;
    if (value < 0) {
      low = ~low >>> 0;
      high = ~high >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 0x7f) {
      b[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    b[this.pos++] = low & 0x7f;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(low >>> 0, this.pos);
    this.buf.writeUInt32LE(high >>> 0, this.pos + 4);
    this.pos += 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** An `HrTime` as fixed64 nanoseconds, exact for any time (no float product over 2^53). */
  hrTime(t: HrTime): void {
    const seconds = t[0];
    const nanos = t[1];
    const fromLow16 = (seconds & 0xffff) * 1e9;
    const fromHigh = ((seconds / 0x10000) >>> 0) * 1e9;
    const low32 = (fromLow16 >>> 0) + (((fromHigh & 0xffff) * 0x10000) >>> 0) + nanos;
    const high32 = Math.floor(fromLow16 / 0x100000000) + ((fromHigh / 0x10000) >>> 0) + Math.floor(low32 / 0x100000000);
    this.fixed64(low32 >>> 0, high32 >>> 0);
  }

  string(s: string): void {
    const len = s.length;
    this.ensure(len + 10);
    const start = this.pos;
    this.varint(len);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) {
        this.pos = start;
        this.bytes(textEncoder.encode(s));
        return;
      }
      b[p++] = c;
    }
    this.pos = p;
  }

  bytes(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /** Appends bytes as they are (an already encoded field or message). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    if (n > 64) {
      this.buf.set(bytes, this.pos);
      this.pos += n;
      return;
    }
    const b = this.buf;
    for (let i = 0; i < n; i++) b[this.pos++] = bytes[i];
  }

  /** A hex trace/span id as bytes, converted like the OTel `hexToBinary`. */
  hexId(hex: string): void {
    const n = hex.length >>> 1;
    this.varint(n);
    this.ensure(n);
    const b = this.buf;
    for (let i = 0; i < n; i++) b[this.pos++] = (hexValue(hex.charCodeAt(2 * i)) << 4) | hexValue(hex.charCodeAt(2 * i + 1));
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return c - 55;
}
