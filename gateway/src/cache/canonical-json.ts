/**
 * A canonical JSON text of a value: object keys sorted, `undefined` members dropped, the
 * rest as `JSON.stringify` writes it. Two requests that differ only in key order (or in a
 * member set to `undefined`) get the same text, so the same cache key.
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0);
}

/** JSON nests far less than this in practice; the bound keeps a hostile body from recursing without end. */
const MAX_DEPTH = 256;

function write(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new RangeError('value nests too deeply to canonicalise');
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    // `undefined`, functions and symbols have no JSON form; inside arrays JSON writes null.
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => write(v, depth + 1)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${write(obj[k], depth + 1)}`).join(',')}}`;
}
