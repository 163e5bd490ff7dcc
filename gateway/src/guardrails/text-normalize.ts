/**
 * Unicode normalisation for dictionary matching: NFKC then a full case fold, applied per
 * character cluster (a code point and its combining marks) so every normalised character
 * maps back to the original text it came from.
 */

/** Normalised text with, for each normalised code unit, the original [start, end) it came from. */
export interface NormalizedText {
  text: string;
  /** Original start of the cluster of normalised unit i; `undefined` = identity offset from `base`. */
  starts?: Int32Array;
  ends?: Int32Array;
  base: number;
}

/** Marks beyond this many on one base character start a new cluster (bounds cluster length). */
const MAX_MARKS = 8;
const MARK = /\p{M}/uy;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Full case folding approximated: upper then lower folds ß→ss, ς→σ, ﬁ→fi. */
const fold = (s: string): string => s.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');

/** Clusters repeat (a text in Greek uses few dozen letters): memoise, bounded. */
const FOLD_CACHE = new Map<string, string>();
const FOLD_CACHE_MAX = 4096;
const foldCached = (unit: string): string => {
  let v = FOLD_CACHE.get(unit);
  if (v === undefined) {
    v = fold(unit);
    if (FOLD_CACHE.size >= FOLD_CACHE_MAX) FOLD_CACHE.clear();
    FOLD_CACHE.set(unit, v);
  }
  return v;
};

const isMark = (src: string, i: number): boolean => {
  if (src.charCodeAt(i) < 0x300) return false;
  MARK.lastIndex = i;
  return MARK.test(src);
};

const cpLength = (src: string, i: number): number => {
  const c = src.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < src.length ? 2 : 1;
};

/** Normalises `src[from, to)` with an offset map back into `src`. */
export function normalizeWithMap(src: string, from: number, to: number): NormalizedText {
  const slice = src.slice(from, to);
  if (ASCII_ONLY.test(slice)) return { text: slice.toLowerCase(), base: from };
  const parts: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let i = from;
  while (i < to) {
    const start = i;
    i += cpLength(src, i);
    for (let marks = 0; marks < MAX_MARKS && i < to && isMark(src, i); marks++) i += cpLength(src, i);
    const unit = src.slice(start, i);
    const norm = unit.length === 1 && unit.charCodeAt(0) < 128 ? unit.toLowerCase() : foldCached(unit);
    parts.push(norm);
    for (let k = 0; k < norm.length; k++) {
      starts.push(start);
      ends.push(i);
    }
  }
  return { text: parts.join(''), starts: Int32Array.from(starts), ends: Int32Array.from(ends), base: from };
}

/** Original start of normalised unit `i`. */
export const origStart = (n: NormalizedText, i: number): number => (n.starts ? n.starts[i] : n.base + i);
/** Original end of normalised unit `i`. */
export const origEnd = (n: NormalizedText, i: number): number => (n.ends ? n.ends[i] : n.base + i + 1);

/** Normalises a dictionary phrase the way texts are normalised. */
export const normalizePhrase = (s: string): string => normalizeWithMap(s, 0, s.length).text;
