import type { Pattern, PatternMatch } from './pattern.js';
import { type NormalizedText, normalizePhrase, normalizeWithMap, origEnd, origStart } from './text-normalize.js';

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

/** Phrase keys: normalised words joined by one space. Empty phrases are dropped. */
export function phraseKey(phrase: string): string {
  return normalizePhrase(phrase).match(WORD)?.join(' ') ?? '';
}

export function dictionaryPattern(spec: DictionarySpec): Pattern {
  const keys = new Set<string>();
  const firstWords = new Set<string>();
  let maxWords = 1;
  let maxKeyChars = 1;
  for (const phrase of spec.phrases) {
    const key = phraseKey(phrase);
    if (key === '') continue;
    keys.add(key);
    const words = key.split(' ');
    firstWords.add(words[0]);
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

  const matchAt = (n: NormalizedText, words: Word[], i: number): PatternMatch | undefined => {
    let reach = 1;
    while (reach < maxWords && i + reach < words.length && JOINER.test(n.text.slice(words[i + reach - 1].ne, words[i + reach].ns))) {
      reach++;
    }
    const ns = words[i].ns;
    if (glued(n.text, ns - 1, ns - 2)) return undefined;
    for (let k = reach; k >= 1; k--) {
      const key = k === 1 ? words[i].text : words.slice(i, i + k).map((w) => w.text).join(' ');
      const last = words[i + k - 1];
      if (!keys.has(key) || last.end - words[i].start > maxExtent || glued(n.text, last.ne, last.ne + 1)) continue;
      return { start: words[i].start, end: last.end };
    }
    return undefined;
  };

  return {
    entity: spec.entity,
    detector: spec.detector ?? 'dictionary',
    behindChars: CONTEXT_CHARS,
    decideChars,
    openBehindChars: 0,
    scan(text, from, limit) {
      const n = normalizeWithMap(text, Math.max(0, from - CONTEXT_CHARS), text.length);
      const words = wordsOf(n);
      const out: PatternMatch[] = [];
      let after = from;
      for (let i = 0; i < words.length; i++) {
        const w = words[i];
        if (w.start < after) continue;
        if (w.start > limit) break;
        if (!firstWords.has(w.text)) continue;
        const m = matchAt(n, words, i);
        if (m) {
          out.push(m);
          after = m.end;
        }
      }
      return out;
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
