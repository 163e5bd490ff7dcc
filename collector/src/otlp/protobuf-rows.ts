import { ByteWriter } from '../model/byte-writer.js';
import { encodeSpanRowsTsv, encodeSpanRowTsv, tsvField, tsvMap, tsvQuoted } from '../model/span-row-tsv.js';
import { anyValueAsString, doubleAsString } from './any-value.js';
import { asBuffer, readAnyValue, readSpanSafely, walkTraceRequest } from './decode-protobuf.js';
import { PbReader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './pb-reader.js';
import {
  createRowMapper,
  KIND_NAMES,
  latestStartNs,
  MAX_DURATION_NS,
  MAX_KEY_BYTES,
  MIN_START_NS,
  newRowCounters,
  STATUS_NAMES,
  type RowCounters,
  type RowLimits,
  type ToRowsResult,
} from './to-rows.js';

/** A request's accepted spans as the `otel_traces` TabSeparated insert body, with `toRows`' counts. */
export interface EncodedRows extends RowCounters {
  /** Exactly `encodeSpanRowsTsv(toRows(…).rows)`: what the spool keeps and the store inserts. */
  payload: Buffer;
  rows: number;
}

/** The body for rows mapped by `toRows` (the JSON path). */
export function encodeRows(r: ToRowsResult): EncodedRows {
  const { rows, ...counters } = r;
  return { ...counters, payload: Buffer.from(encodeSpanRowsTsv(rows)), rows: rows.length };
}

/**
 * OTLP/protobuf request bytes → the TabSeparated body, byte for byte what
 * `encodeRows(toRows(decodeProtobufRequest(body)))` gives, without building the decoded
 * model: a plain span (ids, times, name, status, attributes with a new, non-numeric key) is
 * copied from the request bytes into the body. Anything else (events, links, duplicate or
 * numeric keys, values to truncate, invalid UTF-8, a span to reject) goes through
 * `decodeProtobufRequest`'s span reader and `toRows`' mapper, so the rules live in one
 * place. That decode-map-stringify path cost ~40 µs of CPU per GenAI span, this one ~7.
 */
export function protobufRows(body: Uint8Array, limits: RowLimits, nowMs: number): EncodedRows {
  const buf = asBuffer(body);
  const walked = walkTraceRequest(buf);
  writer.pos = 0; // a request that failed half-way leaves nothing behind
  const counters = newRowCounters();
  const map = createRowMapper(limits, nowMs, counters);
  const enc = limits.maxValueBytes >= MIN_FAST_VALUE_BYTES ? spanEncoder(buf, limits, nowMs) : undefined;
  let rows = 0;
  for (const rs of walked) {
    const resource = map.resource(rs.resourceAttributes);
    const resourceTsv = tsvMap(resource.attributes);
    for (const ss of rs.scopeSpans) {
      const scope = map.scope(ss.scopeName, ss.scopeVersion);
      // The columns between SpanKind and SpanAttributes are the same for the whole scope.
      const shared = Buffer.from(`\t${tsvField(resource.serviceName)}\t${resourceTsv}\t${tsvField(scope.scopeName)}\t${tsvField(scope.scopeVersion)}\t{`);
      const ranges = ss.spanRanges;
      for (let i = 0; i < ranges.length; i += 2) {
        const start = ranges[i] as number;
        const end = ranges[i + 1] as number;
        if (enc?.encode(start, end, shared) === true) {
          rows += 1;
          continue;
        }
        const row = map.span(readSpanSafely(new PbReader(buf, start, end)), resource, scope);
        if (row === undefined) continue;
        writer.utf8(encodeSpanRowTsv(row, resourceTsv));
        rows += 1;
      }
    }
  }
  const payload = writer.take();
  // Keep the scratch buffer for the next request unless one huge request grew it.
  if (writer.buf.length > MAX_KEPT_SCRATCH_BYTES) writer = new ByteWriter(SCRATCH_BYTES);
  return { ...counters, payload, rows };
}

/** Below this value cap even numbers may be cut; leave such configs to the mapper. */
const MIN_FAST_VALUE_BYTES = 64;
const SCRATCH_BYTES = 4 * 1024 * 1024;
const MAX_KEPT_SCRATCH_BYTES = 64 * 1024 * 1024;
/** Scratch output, reused across requests (encoding is synchronous). */
let writer = new ByteWriter(SCRATCH_BYTES);

/** The fast path gives up on a span by throwing this; nothing of the span is kept. */
const GIVE_UP: unique symbol = Symbol('give up');

const VALUE_STRING = 1;
const VALUE_BOOL = 2;
const VALUE_INT = 3;
const VALUE_DOUBLE = 4;
const VALUE_OTHER = 5;

/** Attributes per span the fast path handles (more go through the mapper). */
const MAX_FAST_ATTRIBUTES = 512;
const KEY_TABLE_SIZE = 2048; // power of two, > 2 × MAX_FAST_ATTRIBUTES
const TWO_32 = 4294967296;

const bytes = (s: string): Buffer => Buffer.from(s);
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const TAB = 0x09;
const DOT = 0x2e;
const QUOTE = 0x27;
const ROW_END = bytes('\t[]\t[]\t[]\t[]\t[]\t[]\t[]\n');
const ATTRIBUTES_END = bytes('}\t');
const TRUE = bytes("'true'");
const FALSE = bytes("'false'");
const KIND_TSV = KIND_NAMES.map((k) => bytes(tsvField(k)));
const STATUS_TSV = STATUS_NAMES.map((k) => bytes(tsvField(k)));
const NONE = bytes('');

interface SpanEncoder {
  /** Writes the span's row and returns true, or returns false having written nothing. */
  encode(start: number, end: number, shared: Buffer): boolean;
}

function spanEncoder(buf: Buffer, limits: RowLimits, nowMs: number): SpanEncoder {
  const maxAttributes = Math.min(limits.maxAttributes, MAX_FAST_ATTRIBUTES);
  const maxValueBytes = limits.maxValueBytes;
  const latest = latestStartNs(nowMs);
  const [minHi, minLo] = [Number(MIN_START_NS >> 32n), Number(MIN_START_NS & 0xffffffffn)];
  const [latestHi, latestLo] = [Number(latest >> 32n), Number(latest & 0xffffffffn)];
  const maxDurationNs = Number(MAX_DURATION_NS);

  // The span being read: byte ranges into `buf`, numbers, and its attributes.
  let pos = 0;
  let end = 0;
  let traceS = 0, traceE = 0, spanS = 0, spanE = 0, parentS = 0, parentE = 0;
  let stateS = 0, stateE = 0, nameS = 0, nameE = 0, msgS = 0, msgE = 0;
  let kind = 0, statusCode = 0, startLo = 0, startHi = 0, endLo = 0, endHi = 0;
  let attrs = 0;
  const keyS = new Int32Array(MAX_FAST_ATTRIBUTES);
  const keyE = new Int32Array(MAX_FAST_ATTRIBUTES);
  const valueKind = new Uint8Array(MAX_FAST_ATTRIBUTES);
  const valueS = new Int32Array(MAX_FAST_ATTRIBUTES);
  const valueE = new Int32Array(MAX_FAST_ATTRIBUTES);
  // Keys seen in this span (open addressing; a slot is live when its stamp is this span's).
  const slotStamp = new Int32Array(KEY_TABLE_SIZE);
  const slotAttr = new Int32Array(KEY_TABLE_SIZE);
  let stamp = 0;
  // Range of the last length-delimited field read.
  let lenS = 0;

  /** `PbReader.varint32`, giving up where it throws. */
  function varint32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i += 1) {
      if (pos >= end) throw GIVE_UP;
      const b = buf[pos++] as number;
      if (shift < 32) result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
    throw GIVE_UP;
  }

  /** Skips a varint as `PbReader.varint64` reads it. */
  function skipVarint64(): void {
    for (let i = 0; i < 10; i += 1) {
      if (pos >= end) throw GIVE_UP;
      if (((buf[pos++] as number) & 0x80) === 0) return;
    }
    throw GIVE_UP;
  }

  function tag(): number {
    const t = varint32();
    if (t >>> 3 === 0) throw GIVE_UP;
    return t;
  }

  /** A length-delimited field: its start in `lenS`, returns its end and moves past it. */
  function len(): number {
    const n = varint32();
    if (n > end - pos) throw GIVE_UP;
    lenS = pos;
    pos += n;
    return pos;
  }

  function advance(n: number): void {
    if (n > end - pos) throw GIVE_UP;
    pos += n;
  }

  function skip(wire: number): void {
    if (wire === WIRE_VARINT) varint32();
    else if (wire === WIRE_I64) advance(8);
    else if (wire === WIRE_LEN) len();
    else if (wire === WIRE_I32) advance(4);
    else throw GIVE_UP;
  }

  /** A `KeyValue` whose value is a string, bool, int or double, under a new plain key. */
  function attribute(kvEnd: number): void {
    const outerEnd = end;
    end = kvEnd;
    let kS = -1;
    let kE = -1;
    let vKind = 0;
    let vS = 0;
    let vE = 0;
    while (pos < end) {
      const t = tag();
      if (t === ((1 << 3) | WIRE_LEN)) {
        kE = len();
        kS = lenS;
      } else if (t === ((2 << 3) | WIRE_LEN)) {
        const anyEnd = len();
        const anyS = lenS;
        const after = pos;
        pos = anyS;
        const kvEndSaved = end;
        end = anyEnd;
        vKind = 0;
        while (pos < end) {
          const at = tag();
          if (at === ((1 << 3) | WIRE_LEN)) {
            vE = len();
            vS = lenS;
            vKind = VALUE_STRING;
          } else if (at === ((2 << 3) | WIRE_VARINT)) {
            vS = varint32() === 0 ? 0 : 1;
            vKind = VALUE_BOOL;
          } else if (at === ((3 << 3) | WIRE_VARINT)) {
            vS = pos;
            skipVarint64();
            vE = pos;
            vKind = VALUE_INT;
          } else if (at === ((4 << 3) | WIRE_I64)) {
            vS = pos;
            advance(8);
            vKind = VALUE_DOUBLE;
          } else {
            // Arrays, maps, bytes, unknown fields: the decoder's reader takes the whole value.
            vKind = VALUE_OTHER;
            vS = anyS;
            vE = anyEnd;
            pos = anyEnd;
          }
        }
        if (vKind === 0) {
          vKind = VALUE_OTHER; // empty: the decoder's `{}`
          vS = anyS;
          vE = anyEnd;
        }
        end = kvEndSaved;
        pos = after;
      } else throw GIVE_UP;
    }
    end = outerEnd;
    if (vKind === 0 || kS < 0) throw GIVE_UP; // no value field, or no key
    if (vKind === VALUE_STRING && vE - vS > maxValueBytes) throw GIVE_UP;
    if (kE - kS > MAX_KEY_BYTES || attrs >= maxAttributes) throw GIVE_UP;
    // A new key that is not an array index (JS objects list those first).
    const keyLen = kE - kS;
    if (keyLen > 0 && isDigit(buf[kS] as number)) {
      let digits = true;
      for (let i = kS; i < kE; i += 1) if (!isDigit(buf[i] as number)) digits = false;
      if (digits) throw GIVE_UP;
    }
    // Hash a few bytes only; equal hashes are compared in full.
    let hash = keyLen;
    if (keyLen > 0) {
      hash = Math.imul(hash ^ (buf[kE - 1] as number), 0x01000193);
      hash = Math.imul(hash ^ (buf[kS + (keyLen >> 1)] as number), 0x01000193);
      hash = Math.imul(hash ^ (buf[kS + (keyLen >> 2)] as number), 0x01000193);
      hash = Math.imul(hash ^ (buf[kE - 1 - (keyLen >> 2)] as number), 0x01000193);
      hash ^= hash >>> 15;
    }
    let slot = hash & (KEY_TABLE_SIZE - 1);
    while (slotStamp[slot] === stamp) {
      const other = slotAttr[slot] as number;
      if (buf.compare(buf, keyS[other], keyE[other], kS, kE) === 0) throw GIVE_UP;
      slot = (slot + 1) & (KEY_TABLE_SIZE - 1);
    }
    slotStamp[slot] = stamp;
    slotAttr[slot] = attrs;
    keyS[attrs] = kS;
    keyE[attrs] = kE;
    valueKind[attrs] = vKind;
    valueS[attrs] = vS;
    valueE[attrs] = vE;
    attrs += 1;
  }

  function status(statusEnd: number): void {
    const outerEnd = end;
    end = statusEnd;
    while (pos < end) {
      const t = tag();
      if (t === ((2 << 3) | WIRE_LEN)) {
        msgE = len();
        msgS = lenS;
      } else if (t === ((3 << 3) | WIRE_VARINT)) statusCode = varint32();
      else skip(t & 7);
    }
    end = outerEnd;
  }

  /** `PbReader.readSpan`'s walk, keeping byte ranges; gives up where it would fail. */
  function read(start: number, spanEnd: number): void {
    pos = start;
    end = spanEnd;
    traceS = traceE = spanS = spanE = parentS = parentE = stateS = stateE = nameS = nameE = msgS = msgE = 0;
    kind = statusCode = startLo = startHi = endLo = endHi = 0;
    attrs = 0;
    stamp = (stamp + 1) | 0;
    if (stamp === 0) {
      slotStamp.fill(0);
      stamp = 1;
    }
    while (pos < end) {
      const t = tag();
      const wire = t & 7;
      switch (t >>> 3) {
        case 1:
          if (wire !== WIRE_LEN) throw GIVE_UP;
          traceE = len();
          traceS = lenS;
          break;
        case 2:
          if (wire !== WIRE_LEN) throw GIVE_UP;
          spanE = len();
          spanS = lenS;
          break;
        case 3:
          if (wire !== WIRE_LEN) throw GIVE_UP;
          stateE = len();
          stateS = lenS;
          break;
        case 4:
          if (wire !== WIRE_LEN) throw GIVE_UP;
          parentE = len();
          parentS = lenS;
          break;
        case 5:
          if (wire !== WIRE_LEN) throw GIVE_UP;
          nameE = len();
          nameS = lenS;
          break;
        case 6:
          if (wire !== WIRE_VARINT) throw GIVE_UP;
          kind = varint32();
          break;
        case 7:
          if (wire !== WIRE_I64 || end - pos < 8) throw GIVE_UP;
          startLo = buf.readUInt32LE(pos);
          startHi = buf.readUInt32LE(pos + 4);
          pos += 8;
          break;
        case 8:
          if (wire !== WIRE_I64 || end - pos < 8) throw GIVE_UP;
          endLo = buf.readUInt32LE(pos);
          endHi = buf.readUInt32LE(pos + 4);
          pos += 8;
          break;
        case 9: {
          if (wire !== WIRE_LEN) throw GIVE_UP;
          const kvEnd = len();
          const after = pos;
          pos = lenS;
          attribute(kvEnd);
          pos = after;
          break;
        }
        case 11: // events
        case 13: // links
          throw GIVE_UP;
        case 15: {
          if (wire !== WIRE_LEN) throw GIVE_UP;
          const stEnd = len();
          const after = pos;
          pos = lenS;
          status(stEnd);
          pos = after;
          break;
        }
        default:
          skip(wire);
      }
    }
  }

  const allZero = (s: number, e: number): boolean => {
    for (let i = s; i < e; i += 1) if (buf[i] !== 0) return false;
    return true;
  };
  /** (hi, lo) unsigned 64-bit compare. */
  const cmp64 = (aHi: number, aLo: number, bHi: number, bLo: number): number => (aHi !== bHi ? aHi - bHi : aLo - bLo);

  /** `toRows`' `validate`, true only when it would find no problem. */
  function valid(): boolean {
    if (traceE - traceS !== 16 || allZero(traceS, traceE)) return false;
    if (spanE - spanS !== 8 || allZero(spanS, spanE)) return false;
    if (parentE - parentS !== 0 && parentE - parentS !== 8) return false;
    if (cmp64(startHi, startLo, minHi, minLo) < 0 || cmp64(startHi, startLo, latestHi, latestLo) > 0) return false;
    if (cmp64(endHi, endLo, startHi, startLo) < 0) return false;
    if (durationNs() > maxDurationNs) return false;
    return stateE - stateS <= maxValueBytes && nameE - nameS <= maxValueBytes && msgE - msgS <= maxValueBytes;
  }

  /** end − start, exact while below 2^53 (larger is out of range anyway). */
  function durationNs(): number {
    let lo = endLo - startLo;
    let hi = endHi - startHi;
    if (lo < 0) {
      lo += TWO_32;
      hi -= 1;
    }
    return hi >= 1 << 20 ? Number.POSITIVE_INFINITY : hi * TWO_32 + lo;
  }

  function field(w: ByteWriter, s: number, e: number): void {
    if (!w.tsvField(buf, s, e)) throw GIVE_UP;
  }

  function quoted(w: ByteWriter, s: number, e: number): void {
    if (!w.tsvQuoted(buf, s, e)) throw GIVE_UP;
  }

  /** The row, in `encodeSpanRowTsv`'s format and column order. */
  function write(w: ByteWriter, shared: Buffer): void {
    writeTime(w, startHi, startLo);
    w.byte(TAB);
    w.hex(buf, traceS, traceE);
    w.byte(TAB);
    w.hex(buf, spanS, spanE);
    w.byte(TAB);
    if (!allZero(parentS, parentE)) w.hex(buf, parentS, parentE);
    w.byte(TAB);
    field(w, stateS, stateE);
    w.byte(TAB);
    field(w, nameS, nameE);
    w.byte(TAB);
    w.put(KIND_TSV[kind] ?? NONE);
    w.put(shared);
    for (let a = 0; a < attrs; a += 1) {
      if (a > 0) w.byte(0x2c); // ,
      quoted(w, keyS[a] as number, keyE[a] as number);
      w.byte(0x3a); // :
      const vs = valueS[a] as number;
      switch (valueKind[a]) {
        case VALUE_STRING:
          quoted(w, vs, valueE[a] as number);
          break;
        case VALUE_BOOL:
          w.put(vs === 1 ? TRUE : FALSE);
          break;
        case VALUE_INT:
          w.byte(QUOTE);
          writeInt(w, vs, valueE[a] as number);
          w.byte(QUOTE);
          break;
        case VALUE_DOUBLE:
          w.byte(QUOTE);
          w.ascii(doubleAsString(buf.readDoubleLE(vs)));
          w.byte(QUOTE);
          break;
        default:
          w.utf8(tsvQuoted(otherText(vs, valueE[a] as number)));
      }
    }
    w.put(ATTRIBUTES_END);
    w.digits(durationNs());
    w.byte(TAB);
    w.put(STATUS_TSV[statusCode] ?? NONE);
    w.byte(TAB);
    field(w, msgS, msgE);
    w.put(ROW_END);
  }

  /** Any other value, read and stringified by the decoder's own functions. */
  function otherText(s: number, e: number): string {
    let text: string;
    try {
      text = anyValueAsString(readAnyValue(new PbReader(buf, s, e), 0));
    } catch {
      throw GIVE_UP; // the decoder marks the span invalid
    }
    if (Buffer.byteLength(text, 'utf8') > maxValueBytes) throw GIVE_UP;
    return text;
  }

  /** An int64 varint in decimal (`PbReader.varint64` for anything past 49 bits). */
  function writeInt(w: ByteWriter, s: number, e: number): void {
    if (e - s > 7) {
      w.ascii(new PbReader(buf, s, e).varint64().toString());
      return;
    }
    let v = 0;
    let scale = 1;
    for (let i = s; i < e; i += 1) {
      v += ((buf[i] as number) & 0x7f) * scale;
      scale *= 128;
    }
    w.digits(v);
  }

  return {
    encode(start, spanEnd, shared) {
      const w = writer;
      const rowStart = w.pos;
      try {
        read(start, spanEnd);
        if (!valid()) return false;
        write(w, shared);
        return true;
      } catch (err) {
        if (err !== GIVE_UP) throw err;
        w.pos = rowStart;
        return false;
      }
    },
  };
}

/** A 64-bit nanosecond count (hi, lo) as `seconds.nanoseconds`, as `tsvTime` writes it. */
function writeTime(w: ByteWriter, hi: number, lo: number): void {
  // Long division by 1e9 in 16-bit steps: every intermediate stays below 2^53.
  let q = 0;
  let r = 0;
  for (let i = 0; i < 4; i += 1) {
    const limb = i === 0 ? hi >>> 16 : i === 1 ? hi & 0xffff : i === 2 ? lo >>> 16 : lo & 0xffff;
    const n = r * 65536 + limb;
    let d = Math.floor(n / 1e9);
    r = n - d * 1e9;
    // Guard the float division's rounding.
    if (r < 0) {
      d -= 1;
      r += 1e9;
    } else if (r >= 1e9) {
      d += 1;
      r -= 1e9;
    }
    q = q * 65536 + d;
  }
  w.digits(q);
  w.byte(DOT);
  // Nine digits, zero-padded.
  w.ensure(9);
  for (let i = 8; i >= 0; i -= 1) {
    w.buf[w.pos + i] = 0x30 + (r % 10);
    r = Math.floor(r / 10);
  }
  w.pos += 9;
}
