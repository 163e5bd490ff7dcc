/**
 * Word hashing for the dictionary's ASCII scan: a table of word characters, a hash folded
 * one character at a time, and a small bit filter of the hashes a phrase list starts with,
 * so most words of a text are passed over without building a string.
 */

/** 1 for the ASCII characters of words ([A-Za-z0-9]); 0 for every other code unit. */
export const IS_WORD_ASCII = new Uint8Array(65_536);
for (let c = 0; c < 128; c++) IS_WORD_ASCII[c] = /[A-Za-z0-9]/.test(String.fromCharCode(c)) ? 1 : 0;

/** Bits of the first-word filter: 2 KiB, so it stays in cache between requests. */
export const FILTER_BITS = 16_384;
export const filterAdd = (bits: Uint32Array, h: number): void => {
  const b = h & (FILTER_BITS - 1);
  bits[b >>> 5] |= 1 << (b & 31);
};
export const filterHas = (bits: Uint32Array, h: number): boolean => {
  const b = h & (FILTER_BITS - 1);
  return (bits[b >>> 5] & (1 << (b & 31))) !== 0;
};
/** 30 bits, so the hash stays a small integer (never a heap number) in every tier. */
export const wordHashStep = (h: number, code: number): number => (Math.imul(h, 31) + code) & 0x3fffffff;
export const wordHash = (word: string): number => {
  let h = 0;
  for (let i = 0; i < word.length; i++) h = wordHashStep(h, word.charCodeAt(i));
  return h;
};
