/**
 * A minimal protobuf wire reader over one buffer (wire types 0, 1, 2, 5). The OTLP request
 * decoder walks fields with it directly: building protobufjs message objects (with `Long`
 * times) first cost more than half of the collector's CPU per span. Every read is bounds
 * checked; malformed input throws `PbError`.
 */
export class PbError extends Error {}

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export class PbReader {
  pos: number;
  readonly end: number;
  readonly buf: Buffer;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** Field number and wire type of the next field. */
  tag(): { field: number; wire: number } {
    const t = this.varint32();
    const field = t >>> 3;
    if (field === 0) throw new PbError('field number 0');
    return { field, wire: t & 7 };
  }

  /** An unsigned varint that fits 32 bits (longer ones are truncated to their low 32 bits). */
  varint32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i += 1) {
      if (this.pos >= this.end) throw new PbError('truncated varint');
      const b = this.buf[this.pos++] as number;
      if (shift < 32) result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
    throw new PbError('varint longer than 10 bytes');
  }

  /** A varint as a signed 64-bit integer (int64 two's complement). */
  varint64(): bigint {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i += 1) {
      if (this.pos >= this.end) throw new PbError('truncated varint');
      const b = this.buf[this.pos++] as number;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if ((b & 0x80) === 0) return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
    }
    throw new PbError('varint longer than 10 bytes');
  }

  fixed64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Start and end offsets of a length-delimited field; the reader moves past it. */
  len(): [number, number] {
    const n = this.varint32();
    this.need(n);
    const start = this.pos;
    this.pos += n;
    return [start, this.pos];
  }

  string(): string {
    const [s, e] = this.len();
    return this.buf.toString('utf8', s, e);
  }

  hex(): string {
    const [s, e] = this.len();
    return this.buf.toString('hex', s, e);
  }

  bytes(): Uint8Array {
    const [s, e] = this.len();
    return this.buf.subarray(s, e);
  }

  /** A reader over the embedded message that follows. */
  sub(): PbReader {
    const [s, e] = this.len();
    return new PbReader(this.buf, s, e);
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint32();
    else if (wire === WIRE_I64) this.advance(8);
    else if (wire === WIRE_LEN) this.len();
    else if (wire === WIRE_I32) this.advance(4);
    else throw new PbError(`unsupported wire type ${wire}`);
  }

  /** Throws unless the field has the wire type its schema declares. */
  expect(wire: number, expected: number, what: string): void {
    if (wire !== expected) throw new PbError(`${what}: wire type ${wire}, expected ${expected}`);
  }

  private advance(n: number): void {
    this.need(n);
    this.pos += n;
  }

  private need(n: number): void {
    if (n > this.end - this.pos) throw new PbError('truncated message');
  }
}
