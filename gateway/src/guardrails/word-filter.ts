/**
 * Word hashing for the dictionary's ASCII scan: a table of word characters, a hash folded
 * one character at a time, and a small bit filter of the hashes a phrase list starts with,
 * so most words of a text are passed over without building a string.
 */

/** 1 for the ASCII characters of words ([A-Za-z0-9]); 0 for every other code unit. */
export const IS_WORD_ASCII = new Uint8Array(65_536);
for (let c = 0; c < 128; c++) IS_WORD_ASCII[c] = /[A-Za-z0-9]/.test(String.fromCharCode(c)) ? 1 : 0;

/** Bits of the first-word filter: 2 KiB, so it stays in cache between requests. */
const FILTER_LOG2 = 14;
export const FILTER_BITS = 1 << FILTER_LOG2;
/**
 * Two bits per hash, the second from a multiplicative remix of it: against the locations
 * list about 0.4% of other English words pass, against 3% with one bit (`not`, `how`,
 * `her` did), and each one that passes costs a table lookup.
 */
const second = (h: number): number => Math.imul(h, 0x9e3779b1) >>> (32 - FILTER_LOG2);
const setBit = (bits: Uint32Array, b: number): void => {
  bits[b >>> 5] |= 1 << (b & 31);
};
const hasBit = (bits: Uint32Array, b: number): boolean => (bits[b >>> 5] & (1 << (b & 31))) !== 0;
export const filterAdd = (bits: Uint32Array, h: number): void => {
  setBit(bits, h & (FILTER_BITS - 1));
  setBit(bits, second(h));
};
export const filterHas = (bits: Uint32Array, h: number): boolean => hasBit(bits, h & (FILTER_BITS - 1)) && hasBit(bits, second(h));
/** 30 bits, so the hash stays a small integer (never a heap number) in every tier. */
export const wordHashStep = (h: number, code: number): number => (Math.imul(h, 31) + code) & 0x3fffffff;
export const wordHash = (word: string): number => {
  let h = 0;
  for (let i = 0; i < word.length; i++) h = wordHashStep(h, word.charCodeAt(i));
  return h;
};

interface HashedKey {
  key: string;
  value: number;
  /** Another key with the same hash. */
  next?: HashedKey;
}

/**
 * Looks up keys (lower-case ASCII words joined by one space) from the words of a text
 * without building strings: the caller folds the words' lower-cased characters, with a
 * space (32) between words, into the hash `wordHash` gives their key; the table confirms
 * the words against the key. Returns the key's value, or 0 when the words spell no key.
 */
export type HashedKeys = (h: number, codes: Uint16Array, starts: Int32Array, ends: Int32Array, words: number) => number;

export function hashKeys(values: ReadonlyMap<string, number>): HashedKeys {
  const table = new Map<number, HashedKey>();
  for (const [key, value] of values) {
    const h = wordHash(key);
    table.set(h, { key, value, next: table.get(h) });
  }
  const spells = (key: string, codes: Uint16Array, starts: Int32Array, ends: Int32Array, words: number): boolean => {
    let p = 0;
    for (let w = 0; w < words; w++) {
      if (w > 0 && key.charCodeAt(p++) !== 32) return false;
      for (let i = starts[w]; i < ends[w]; i++) if (key.charCodeAt(p++) !== (codes[i] | 32)) return false;
    }
    return p === key.length;
  };
  return (h, codes, starts, ends, words) => {
    for (let e = table.get(h); e !== undefined; e = e.next) if (spells(e.key, codes, starts, ends, words)) return e.value;
    return 0;
  };
}
