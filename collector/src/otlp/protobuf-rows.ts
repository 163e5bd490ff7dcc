import type { ByteWriter } from '../model/byte-writer.js';
import { encodeSpanRowsNative, type EncodedMap, NativeMap, NativeSpanBlock, nativeStringBytes } from '../model/span-block-native.js';
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

/** A request's accepted spans as the `otel_traces` Native insert body, with `toRows`' counts. */
export interface EncodedRows extends RowCounters {
  /** Exactly `encodeSpanRowsNative(toRows(…).rows)`: what the spool keeps and the store inserts. */
  payload: Buffer;
  rows: number;
}

/** The body for rows mapped by `toRows` (the JSON path). */
export function encodeRows(r: ToRowsResult): EncodedRows {
  const { rows, ...counters } = r;
  return { ...counters, payload: encodeSpanRowsNative(rows), rows: rows.length };
}

/**
 * OTLP/protobuf request bytes → the Native body, byte for byte what
 * `encodeRows(toRows(decodeProtobufRequest(body)))` gives, without building the decoded
 * model: a plain span (ids, times, name, status, attributes with a new, non-numeric key) is
 * copied from the request bytes into the block's columns. Anything else (events, links,
 * duplicate or numeric keys, values to truncate, invalid UTF-8, a span to reject) goes through
 * `decodeProtobufRequest`'s span reader and `toRows`' mapper, so the rules live in one
 * place. That decode-map-stringify path cost ~40 µs of CPU per GenAI span, this one ~7.
 */
export function protobufRows(body: Uint8Array, limits: RowLimits, nowMs: number): EncodedRows {
  const buf = asBuffer(body);
  const walked = walkTraceRequest(buf);
  block.clear(); // a request that failed half-way leaves nothing behind
  const counters = newRowCounters();
  const map = createRowMapper(limits, nowMs, counters);
  const enc = limits.maxValueBytes >= MIN_FAST_VALUE_BYTES ? spanEncoder(buf, limits, nowMs) : undefined;
  let rows = 0;
  for (const rs of walked) {
    const resource = map.resource(rs.resourceAttributes);
    const resourceMap = NativeMap.encode(resource.attributes);
    const serviceName = nativeStringBytes(resource.serviceName);
    for (const ss of rs.scopeSpans) {
      const scope = map.scope(ss.scopeName, ss.scopeVersion);
      // The columns between SpanKind and SpanAttributes are the same for the whole scope.
      const shared: ScopeShared = { serviceName, resource: resourceMap, scopeName: nativeStringBytes(scope.scopeName), scopeVersion: nativeStringBytes(scope.scopeVersion) };
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
        block.addRow(row, resourceMap);
        rows += 1;
      }
    }
  }
  const payload = block.take();
  // Keep the scratch columns for the next request unless one huge request grew them.
  if (block.grewPast(MAX_KEPT_SCRATCH_BYTES)) block = new NativeSpanBlock();
  return { ...counters, payload, rows };
}

/** Below this value cap even numbers may be cut; leave such configs to the mapper. */
const MIN_FAST_VALUE_BYTES = 64;
const MAX_KEPT_SCRATCH_BYTES = 16 * 1024 * 1024;
/** Scratch columns, reused across requests (encoding is synchronous). */
let block = new NativeSpanBlock();

/** What every span of one scope shares: resource and scope columns, encoded once. */
interface ScopeShared {
  serviceName: Buffer;
  resource: EncodedMap;
  scopeName: Buffer;
  scopeVersion: Buffer;
}

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

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const TRUE = nativeStringBytes('true');
const FALSE = nativeStringBytes('false');
const KIND_NATIVE = KIND_NAMES.map(nativeStringBytes);
const STATUS_NATIVE = STATUS_NAMES.map(nativeStringBytes);
const NONE = nativeStringBytes('');

interface SpanEncoder {
  /** Writes the span's row and returns true, or returns false having written nothing. */
  encode(start: number, end: number, shared: ScopeShared): boolean;
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

  /** A string column's value from the request bytes (giving up on invalid UTF-8). */
  function str(w: ByteWriter, s: number, e: number): void {
    if (!w.nativeBytes(buf, s, e)) throw GIVE_UP;
  }

  /** The row, into the block's columns (`NativeSpanBlock.addRow`'s bytes). */
  function write(b: NativeSpanBlock, shared: ScopeShared): void {
    b.timestamp.uint64Parts(startLo, startHi); // DateTime64(9): below 2^63, so Int64 and UInt64 agree
    b.traceId.nativeHex(buf, traceS, traceE);
    b.spanId.nativeHex(buf, spanS, spanE);
    if (allZero(parentS, parentE)) b.parentSpanId.put(NONE);
    else b.parentSpanId.nativeHex(buf, parentS, parentE);
    str(b.traceState, stateS, stateE);
    str(b.spanName, nameS, nameE);
    b.spanKind.put(KIND_NATIVE[kind] ?? NONE);
    b.serviceName.put(shared.serviceName);
    b.resourceAttributes.addEncoded(shared.resource);
    b.scopeName.put(shared.scopeName);
    b.scopeVersion.put(shared.scopeVersion);
    const keys = b.spanAttributes.keys;
    const values = b.spanAttributes.values;
    for (let a = 0; a < attrs; a += 1) {
      str(keys, keyS[a] as number, keyE[a] as number);
      const vs = valueS[a] as number;
      switch (valueKind[a]) {
        case VALUE_STRING:
          str(values, vs, valueE[a] as number);
          break;
        case VALUE_BOOL:
          values.put(vs === 1 ? TRUE : FALSE);
          break;
        case VALUE_INT:
          writeInt(values, vs, valueE[a] as number);
          break;
        case VALUE_DOUBLE:
          values.nativeString(doubleAsString(buf.readDoubleLE(vs)));
          break;
        default:
          values.nativeString(otherText(vs, valueE[a] as number));
      }
    }
    b.spanAttributes.endRow(attrs);
    b.duration.uint64(durationNs());
    b.statusCode.put(STATUS_NATIVE[statusCode] ?? NONE);
    str(b.statusMessage, msgS, msgE);
    b.noEventsOrLinks();
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

  /** An int64 varint as a decimal string (`PbReader.varint64` for anything past 49 bits). */
  function writeInt(w: ByteWriter, s: number, e: number): void {
    if (e - s > 7) {
      w.nativeString(new PbReader(buf, s, e).varint64().toString());
      return;
    }
    let v = 0;
    let scale = 1;
    for (let i = s; i < e; i += 1) {
      v += ((buf[i] as number) & 0x7f) * scale;
      scale *= 128;
    }
    w.nativeDigits(v);
  }

  return {
    encode(start, spanEnd, shared) {
      const b = block;
      let writing = false;
      try {
        read(start, spanEnd);
        if (!valid()) return false;
        b.mark();
        writing = true;
        write(b, shared);
        return true;
      } catch (err) {
        if (err !== GIVE_UP) throw err;
        if (writing) b.rollback();
        return false;
      }
    },
  };
}
