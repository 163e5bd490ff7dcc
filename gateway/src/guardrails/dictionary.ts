import { NO_MATCHES, type Pattern, type PatternMatch } from './pattern.js';
import { type NormalizedText, normalizePhrase, normalizeWithMap, origEnd, origStart } from './text-normalize.js';
import { FILTER_BITS, IS_WORD_ASCII, filterAdd, filterHas, wordHash, wordHashStep } from './word-filter.js';

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
  /** KEY / CONTINUES of the words from a candidate's first word through this one, when known. */
  flags?: number;
}

/** What a sequence of words is in a phrase list: a whole phrase, the start of a longer one. */
const KEY = 1;
const CONTINUES = 2;

/** Same words as WORD on ASCII text, without Unicode property lookups (the common case). */
const WORD_ASCII = /[a-z0-9]+/g;
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

/**
 * The words of an ASCII text a phrase starting at `start` could span, lower-cased, with
 * original offsets and flags: up to `count`, each joined to the previous one by a joiner
 * (`matchAt` looks no further), and only while the words so far begin a longer phrase.
 * Empty when the first word begins no phrase.
 */
const asciiPhraseWords = (text: string, start: number, count: number, prefixes: ReadonlyMap<string, number>): Word[] => {
  const out: Word[] = [];
  let key = '';
  let i = start;
  while (i < text.length && out.length < count) {
    if (out.length > 0 && ((out[out.length - 1].flags ?? 0) & CONTINUES) === 0) break;
    const gapStart = i;
    while (i < text.length && IS_WORD_ASCII[text.charCodeAt(i)] !== 1) i++;
    if (i === text.length || (out.length > 0 && !JOINER.test(text.slice(gapStart, i)))) break;
    const ws = i;
    while (i < text.length && IS_WORD_ASCII[text.charCodeAt(i)] === 1) i++;
    const word = text.slice(ws, i).toLowerCase();
    key = out.length === 0 ? word : `${key} ${word}`;
    const flags = prefixes.get(key) ?? 0;
    if (out.length === 0 && flags === 0) break;
    out.push({ text: word, ns: ws, ne: i, start: ws, end: i, flags });
  }
  return out;
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
  /** A filter on first words by hash; hashes that pass are looked up in `firstHashSet`. */
  const firstHashes = new Uint32Array(FILTER_BITS / 32);
  const firstHashSet = new Set<number>();
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
    firstHashSet.add(wordHash(words[0]));
    maxWords = Math.max(maxWords, words.length);
    maxKeyChars = Math.max(maxKeyChars, key.length);
  }
  // Original text may be longer than its normal form (decomposed accents, wide joiners):
  // allow twice plus slack, and define longer stretches as no match so streams agree.
  const maxExtent = 2 * maxKeyChars + 8;
  const decideChars = maxExtent + 4;

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
      let flags = last.flags;
      if (flags === undefined) {
        key = k === 1 ? last.text : `${key} ${last.text}`;
        flags = prefixes.get(key) ?? 0;
      }
      if ((flags & KEY) !== 0 && last.end - first.start <= maxExtent && !glued(n.text, last.ne, last.ne + 1)) best = last;
      if ((flags & CONTINUES) === 0) break;
    }
    return best && { start: first.start, end: best.end };
  };

  /**
   * The scan on an all-ASCII window, without normalising or materialising words: there the
   * normal form is the lower-cased text (same offsets), words are runs of [A-Za-z0-9], and
   * a word is looked at only when its hash is that of some phrase's first word. Returns
   * undefined when the window holds a non-ASCII character (then `scanNormalized` decides).
   */
  const scanAscii = (text: string, winStart: number, from: number, limit: number): readonly PatternMatch[] | undefined => {
    let out: PatternMatch[] | undefined;
    let asNormalized: NormalizedText | undefined;
    const len = text.length;
    let after = from;
    for (let i = winStart; i < len; i++) {
      let c = text.charCodeAt(i);
      if (IS_WORD_ASCII[c] === 0) {
        if (c >= 128) return undefined;
        continue;
      }
      const ws = i;
      let h = 0;
      do {
        // `| 32` lower-cases A-Z and leaves digits as they are.
        h = wordHashStep(h, c | 32);
        c = ++i < len ? text.charCodeAt(i) : 0;
      } while (IS_WORD_ASCII[c] === 1);
      // `i` is on the character after the word, which the loop steps over: check it here.
      if (c >= 128) return undefined;
      if (ws < after || ws > limit || !filterHas(firstHashes, h) || !firstHashSet.has(h)) continue;
      const words = asciiPhraseWords(text, ws, maxWords, prefixes);
      if (words.length === 0) continue;
      // Offsets are the original ones: normalising ASCII only lower-cases, and the checks
      // on the text around words (joiners, glue) look at non-letters only.
      const m = matchAt((asNormalized ??= { text, base: 0 }), words);
      if (m === undefined) continue;
      (out ??= []).push(m);
      after = m.end;
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
