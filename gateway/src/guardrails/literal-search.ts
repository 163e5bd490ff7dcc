/**
 * `indexOf` for a detector's required literal (`eyJ`, `sk-`, `github_pat_`), searching a
 * rare character of it first. V8 searches a short literal by its first character, and
 * `e`, `s` or `g` start a candidate every few characters of prose; a `J`, `-` or `_` is
 * found by one fast scan and seldom needs a comparison. Each comparison costs a call, so
 * the other literals (`earer`, `ya29.`, `xox`, `AIza`) keep `indexOf`.
 */

/** English letter frequencies (percent): how often a lower-case letter starts a false candidate. */
const LETTER_PERCENT = [
  8.2, 1.5, 2.8, 4.3, 12.7, 2.2, 2.0, 6.1, 7.0, 0.15, 0.77, 4.0, 2.4, 6.7, 7.5, 1.9, 0.095, 6.0, 6.3, 9.1, 2.8, 0.98, 2.4, 0.15, 2.0, 0.074,
];
/** A pivot pays when the first character is this common and the pivot this rare. */
const MIN_FIRST_PERCENT = 1.5;
const MAX_PIVOT_PERCENT = 0.5;
/** Below this many characters (a stream step) one `indexOf` call costs less than two. */
const MIN_PIVOT_SEARCH_CHARS = 64;

/** A rough share of prose characters equal to `c`, in percent. */
function percentOf(c: string): number {
  if (c >= 'a' && c <= 'z') return LETTER_PERCENT[c.charCodeAt(0) - 97];
  if (c === ' ') return 15;
  if (c === '.' || c === ',' || (c >= '0' && c <= '9')) return 1.5;
  if (c >= 'A' && c <= 'Z') return 0.5;
  return 0.2;
}

/** The first index at or after `from` where `literal` occurs in `text`, or -1 (as `indexOf`). */
export type LiteralSearch = (text: string, from: number) => number;

/** The search for `literal`; undefined when `indexOf` itself is the better one. */
export function literalSearch(literal: string): LiteralSearch | undefined {
  let pivot = 0;
  for (let i = 1; i < literal.length; i++) if (percentOf(literal[i]) < percentOf(literal[pivot])) pivot = i;
  if (percentOf(literal[0]) < MIN_FIRST_PERCENT || percentOf(literal[pivot]) > MAX_PIVOT_PERCENT) return undefined;
  const c = literal[pivot];
  return (text, from) => {
    if (text.length - from < MIN_PIVOT_SEARCH_CHARS) return text.indexOf(literal, from);
    // Occurrences at s >= from have their pivot at s + pivot; the first that holds the literal wins.
    for (let q = text.indexOf(c, from + pivot); q >= 0; q = text.indexOf(c, q + 1)) {
      if (text.startsWith(literal, q - pivot)) return q - pivot;
    }
    return -1;
  };
}
