import { NO_MATCHES, type Pattern, type PatternMatch } from './pattern.js';
import { codeUnits } from './text-codes.js';
import { type NormalizedText, normalizePhrase, normalizeWithMap, origEnd, origStart } from './text-normalize.js';
import { FILTER_BITS, IS_WORD_ASCII, filterAdd, filterHas, hashKeys, wordHash, wordHashStep } from './word-filter.js';

/**
 * Phrase lists matched on whole words of NFKC + case-folded text: "ITALY", "Italy" and
 * "Ｉｔａｌｙ" all match `Italy`; "Italyx" does not. Words are runs of letters, digits and
 * marks; inside a phrase they may be separated by up to three spaces, hyphens, apostrophes
 * or dots ("Saint-Étienne" = "Saint Étienne", "Côte d’Ivoire" = "Côte d'Ivoire"). A phrase
 * glued into an identifier (`www.bbc.co.uk`, `user@italy`, `path/paris`) is not a match.
 */

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const JOINER = /^[\s\-'’.]{1,3}$/u;
/** A phrase glued to a word by one of these is part of an identifier (`bbc.co.uk`, `@italy`). */
const GLUE = new Set(['.', '@', '/', '\\', '_', ':', '#']);
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
/** Context normalised before a scan start so a word that began earlier is seen as such. */
const CONTEXT_CHARS = 32;

export interface DictionarySpec {
  entity: string;
  phrases: readonly string[];
  detector?: string;
}

interface Word {
  text: string;
  /** Normalised offsets. */
  ns: number;
  ne: number;
  /** Original offsets. */
  start: number;
  end: number;
}

/** What a sequence of words is in a phrase list: a whole phrase, the start of a longer one. */
const KEY = 1;
const CONTINUES = 2;

/** Same words as WORD on ASCII text, without Unicode property lookups (the common case). */
const WORD_ASCII = /[a-z0-9]+/g;
/** JOINER's characters: ASCII ones by table, the rest (Unicode spaces, ’) by regex. */
const JOINER_CHAR = /[\s’]/u;
const IS_JOINER_ASCII = new Uint8Array(128);
for (const c of "\t\n\v\f\r -'.") IS_JOINER_ASCII[c.charCodeAt(0)] = 1;
/** GLUE as character codes. */
const IS_GLUE_ASCII = new Uint8Array(128);
for (const c of GLUE) IS_GLUE_ASCII[c.charCodeAt(0)] = 1;
const ASCII = /^[\x00-\x7f]*$/;

const wordsOf = (n: NormalizedText): Word[] => {
  const out: Word[] = [];
  const re = ASCII.test(n.text) ? WORD_ASCII : WORD;
  re.lastIndex = 0;
  for (let m = re.exec(n.text); m !== null; m = re.exec(n.text)) {
    const ns = m.index;
    const ne = ns + m[0].length;
    out.push({ text: m[0], ns, ne, start: origStart(n, ns), end: origEnd(n, ne - 1) });
  }
  return out;
};

/** Up to `count` words of `n` from the word starting at normalised offset `ns`. */
const wordsFrom = (n: NormalizedText, re: RegExp, ns: number, count: number): Word[] => {
  const out: Word[] = [];
  re.lastIndex = ns;
  for (let m: RegExpExecArray | null; out.length < count && (m = re.exec(n.text)) !== null; ) {
    const ne = m.index + m[0].length;
    out.push({ text: m[0], ns: m.index, ne, start: origStart(n, m.index), end: origEnd(n, ne - 1) });
  }
  return out;
};

/** `glued` on code units: a glue character at `glue` with a word character at `word`. */
const gluedAt = (text: string, codes: Uint16Array, glue: number, word: number): boolean => {
  if (glue < 0 || glue >= codes.length || codes[glue] >= 128 || IS_GLUE_ASCII[codes[glue]] === 0) return false;
  if (word < 0 || word >= codes.length) return false;
  return codes[word] < 128 ? IS_WORD_ASCII[codes[word]] === 1 : WORD_CHAR.test(text[word]);
};

/** JOINER on code units: [from, to) is one to three joiner characters. */
const joinerGap = (codes: Uint16Array, from: number, to: number): boolean => {
  if (to - from < 1 || to - from > 3) return false;
  for (let i = from; i < to; i++) {
    const c = codes[i];
    if (c < 128 ? IS_JOINER_ASCII[c] === 0 : !JOINER_CHAR.test(String.fromCharCode(c))) return false;
  }
  return true;
};

/** Phrase keys: normalised words joined by one space. Empty phrases are dropped. */
export function phraseKey(phrase: string): string {
  return normalizePhrase(phrase).match(WORD)?.join(' ') ?? '';
}

export function dictionaryPattern(spec: DictionarySpec): Pattern {
  /**
   * Every phrase key and every leading run of its words, with their flags: `new york city`
   * gives `new` (CONTINUES), `new york` (KEY | CONTINUES, also a phrase), `new york city`
   * (KEY). One lookup answers "is this a phrase" and "can it grow"; a single word is in it
   * exactly when some phrase starts with that word.
   */
  const prefixes = new Map<string, number>();
  const flag = (key: string, f: number): void => {
    prefixes.set(key, (prefixes.get(key) ?? 0) | f);
  };
  const keys = new Set<string>();
  /** A filter on first words by hash; hashes that pass are looked up in `hashedPrefixes`. */
  const firstHashes = new Uint32Array(FILTER_BITS / 32);
  let maxWords = 1;
  let maxKeyChars = 1;
  for (const phrase of spec.phrases) {
    const key = phraseKey(phrase);
    if (key === '') continue;
    keys.add(key);
    flag(key, KEY);
    const words = key.split(' ');
    for (let k = 1; k < words.length; k++) flag(words.slice(0, k).join(' '), CONTINUES);
    filterAdd(firstHashes, wordHash(words[0]));
    maxWords = Math.max(maxWords, words.length);
    maxKeyChars = Math.max(maxKeyChars, key.length);
  }
  // Original text may be longer than its normal form (decomposed accents, wide joiners):
  // allow twice plus slack, and define longer stretches as no match so streams agree.
  const maxExtent = 2 * maxKeyChars + 8;
  const decideChars = maxExtent + 4;
  const hashedPrefixes = hashKeys(prefixes);

  const glued = (t: string, glue: number, word: number): boolean =>
    GLUE.has(t[glue] ?? '') && WORD_CHAR.test(t[word] ?? '');

  const sortedKeys = [...keys].sort();
  /** Whether some phrase starts with `prefix` (binary search over sorted keys). */
  const somePhraseStartsWith = (prefix: string): boolean => {
    let lo = 0;
    let hi = sortedKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sortedKeys[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo < sortedKeys.length && sortedKeys[lo].startsWith(prefix);
  };
  /** Could a phrase starting at word i still grow over the visible end of the text? */
  const liveFrom = (n: NormalizedText, words: Word[], i: number): boolean => {
    for (let j = i + 1; j < words.length; j++) {
      if (!JOINER.test(n.text.slice(words[j - 1].ne, words[j].ns))) return false;
    }
    let prefix = words.slice(i).map((w) => w.text).join(' ');
    // A word touching the end may still grow or change (a combining mark may follow).
    if (words[words.length - 1].ne >= n.text.length) prefix = prefix.slice(0, -1);
    return somePhraseStartsWith(prefix);
  };

  /** The longest phrase starting at `words[0]` that fits, if any. */
  const matchAt = (n: NormalizedText, words: Word[]): PatternMatch | undefined => {
    let reach = 1;
    while (reach < maxWords && reach < words.length && JOINER.test(n.text.slice(words[reach - 1].ne, words[reach].ns))) {
      reach++;
    }
    const first = words[0];
    if (glued(n.text, first.ns - 1, first.ns - 2)) return undefined;
    // Phrase lengths grow until no phrase goes on; the longest key that fits wins.
    let best: Word | undefined;
    let key = '';
    for (let k = 1; k <= reach; k++) {
      const last = words[k - 1];
      key = k === 1 ? last.text : `${key} ${last.text}`;
      const flags = prefixes.get(key) ?? 0;
      if ((flags & KEY) !== 0 && last.end - first.start <= maxExtent && !glued(n.text, last.ne, last.ne + 1)) best = last;
      if ((flags & CONTINUES) === 0) break;
    }
    return best && { start: first.start, end: best.end };
  };

  /** Word spans of the phrase being looked up on the ASCII path (at most `maxWords`). */
  const spanStarts = new Int32Array(maxWords);
  const spanEnds = new Int32Array(maxWords);

  /**
   * `matchAt` on ASCII text for the word [ws, we) whose hash `h` is that of a phrase's first
   * word: the end of the longest phrase starting there, or -1. Words are read from the code
   * units and looked up by hash, so nothing is allocated.
   */
  const asciiMatchAt = (text: string, codes: Uint16Array, ws: number, we: number, h: number): number => {
    spanStarts[0] = ws;
    spanEnds[0] = we;
    let flags = hashedPrefixes(h, codes, spanStarts, spanEnds, 1);
    if (flags === 0 || gluedAt(text, codes, ws - 1, ws - 2)) return -1;
    const len = codes.length;
    let best = -1;
    let end = we;
    for (let k = 1; ; k++) {
      if ((flags & KEY) !== 0 && end - ws <= maxExtent && !gluedAt(text, codes, end, end + 1)) best = end;
      if ((flags & CONTINUES) === 0 || k === maxWords) return best;
      let next = end;
      while (next < len && IS_WORD_ASCII[codes[next]] === 0) next++;
      if (next === len || !joinerGap(codes, end, next)) return best;
      h = wordHashStep(h, 32);
      end = next;
      while (end < len && IS_WORD_ASCII[codes[end]] === 1) h = wordHashStep(h, codes[end++] | 32);
      spanStarts[k] = next;
      spanEnds[k] = end;
      flags = hashedPrefixes(h, codes, spanStarts, spanEnds, k + 1);
    }
  };

  /**
   * The scan on an all-ASCII window, without normalising or materialising words: there the
   * normal form is the lower-cased text (same offsets), words are runs of [A-Za-z0-9], and
   * a word is looked at only when its hash is that of some phrase's first word. Returns
   * undefined when the window holds a non-ASCII character (then `scanNormalized` decides);
   * what the lookups saw past such a character is dropped with it.
   */
  const scanAscii = (text: string, winStart: number, from: number, limit: number): readonly PatternMatch[] | undefined => {
    const codes = codeUnits(text);
    let out: PatternMatch[] | undefined;
    const len = codes.length;
    let after = from;
    // An imported binding is read through its module on every use: read it once.
    const isWord = IS_WORD_ASCII;
    for (let i = winStart; i < len; i++) {
      let c = codes[i];
      if (isWord[c] === 0) {
        if (c >= 128) return undefined;
        continue;
      }
      const ws = i;
      let h = 0;
      do {
        // `| 32` lower-cases A-Z and leaves digits as they are.
        h = wordHashStep(h, c | 32);
        c = ++i < len ? codes[i] : 0;
      } while (isWord[c] === 1);
      // `i` is on the character after the word, which the loop steps over: check it here.
      if (c >= 128) return undefined;
      if (ws < after || ws > limit || !filterHas(firstHashes, h)) continue;
      const end = asciiMatchAt(text, codes, ws, i, h);
      if (end < 0) continue;
      (out ??= []).push({ start: ws, end });
      after = end;
    }
    return out ?? NO_MATCHES;
  };

  /** The general scan over the NFKC + case-folded window; words are built around candidates only. */
  const scanNormalized = (text: string, winStart: number, from: number, limit: number): readonly PatternMatch[] => {
    const n = normalizeWithMap(text, winStart, text.length);
    const re = ASCII.test(n.text) ? WORD_ASCII : WORD;
    const out: PatternMatch[] = [];
    let after = from;
    re.lastIndex = 0;
    for (let m = re.exec(n.text); m !== null; m = re.exec(n.text)) {
      const start = origStart(n, m.index);
      if (start < after) continue;
      if (start > limit) break;
      if (!prefixes.has(m[0])) continue;
      const saved = re.lastIndex;
      const found = matchAt(n, wordsFrom(n, re, m.index, maxWords));
      re.lastIndex = saved;
      if (found === undefined) continue;
      out.push(found);
      after = found.end;
    }
    return out;
  };

  return {
    entity: spec.entity,
    detector: spec.detector ?? 'dictionary',
    behindChars: CONTEXT_CHARS,
    decideChars,
    openBehindChars: 0,
    scan(text, from, limit) {
      const winStart = Math.max(0, from - CONTEXT_CHARS);
      return scanAscii(text, winStart, from, limit) ?? scanNormalized(text, winStart, from, limit);
    },
    safeLimit(text, from) {
      const lo = Math.max(from - 1, text.length - decideChars);
      // Only the last `maxWords` words can begin an undecided phrase, and only if the words
      // from there to the end (the last one possibly incomplete) still spell the start of
      // some phrase. Everything before the first such word is decided.
      const winStart = Math.max(0, text.length - decideChars - CONTEXT_CHARS);
      const n = normalizeWithMap(text, winStart, text.length);
      const words = wordsOf(n);
      for (let i = Math.max(0, words.length - maxWords); i < words.length; i++) {
        if (words[i].start < lo) continue;
        if (liveFrom(n, words, i)) return Math.max(lo, words[i].start - 1);
      }
      return text.length - 1;
    },
    close: () => ({ end: 0 }),
  };
}
