import { type CharSet, has } from './charset.js';
import { type CompiledDigitAnchor, type DigitAnchor, compileDigitAnchor, digitCandidates } from './digit-anchor.js';
import { type LiteralSearch, literalSearch } from './literal-search.js';
import { NO_MATCHES, type OpenMatch, type Pattern, type PatternMatch } from './pattern.js';
import { type RegexReach, analyzeRegex } from './regex-analysis.js';
import { parseRegex } from './regex-parse.js';
import { type CompiledWordAnchor, type WordAnchor, compileWordAnchor, wordCandidates } from './word-anchor.js';

/** How a match keeps going past its bounded prefix (tokens and key blocks of any length). */
export type Extension =
  /** While characters belong to the class (`[A-Za-z0-9_-]` for tokens). */
  | { run: CharSet }
  /** Up to and including the terminator (a PEM footer); to the end of the text if none. */
  | { until: RegExp };

/**
 * A necessary condition on where matches start, used only to skip text no match can start
 * in: every match starting at `s` has the literal `find` at some `q` with
 * `s + min <= q <= s + max` (offsets may be negative: text a lookbehind reads). With
 * `within`, every character in [s, q) also belongs to that set (and `find`'s first does
 * not), so a match starts no earlier than the run of `within` characters before `q`.
 * A wrong anchor loses matches: each built-in's is checked against its plain regex.
 */
export interface Anchor {
  find: string;
  min: number;
  max: number;
  within?: CharSet;
}

export interface RegexPatternSpec {
  entity: string;
  detector: string;
  source: string;
  /** Extra flags (`i`, `u`, `m`, `s`); `g` is added. */
  flags?: string;
  /**
   * Checksum or format check on the matched text: `false`/0 skips the candidate, `true`
   * accepts it whole, a number accepts that many leading characters (a card followed by
   * an unrelated digit group). It sees only the match, so streams and whole texts agree.
   */
  validate?: (match: string) => boolean | number;
  extend?: Extension;
  /** Speeds up scans of text with few candidates; never changes what matches. */
  anchor?: Anchor;
  /** For number detectors: the regex runs only around runs of digits that could hold a match. */
  digits?: DigitAnchor;
  /** For token detectors: the regex runs only at the starts of whole words of the token's length. */
  word?: WordAnchor;
}

/** Shortest stretch of starts (`limit - from`) scanned through digit or word candidates. */
const MIN_CANDIDATE_SCAN_CHARS = 256;

/**
 * What a scan needs of one pattern. The scans are module functions over it rather than
 * closures per pattern: closures made by one function share their type feedback, so
 * helpers they call would not be inlined.
 */
interface RegexScanner {
  re: RegExp;
  /** Matches only at `lastIndex`, exactly as `re` matches there. */
  sticky: RegExp;
  validate: ((match: string) => boolean | number) | undefined;
  /** Undefined when matches end where the regex's do. */
  extendFrom: ((text: string, from: number, final: boolean) => { end: number } | OpenMatch) | undefined;
  skip: ((text: string, from: number) => number) | undefined;
  digits: CompiledDigitAnchor | undefined;
  word: CompiledWordAnchor | undefined;
}

/**
 * A pattern backed by a JS regex whose reach was computed by `analyzeRegex`. The regex must
 * have a bounded maximum length (use `extend` for open-ended tokens).
 */
export function regexPattern(spec: RegexPatternSpec): Pattern {
  const flags = `${spec.flags ?? ''}g`;
  const re = new RegExp(spec.source, flags);
  const { reach } = analyzeRegex(spec.source, flags);
  if (!Number.isFinite(reach.maxLen + reach.behindChars + reach.aheadChars)) {
    throw new Error(`pattern ${spec.detector} has an unbounded reach`);
  }
  const decideChars = reach.maxLen + reach.aheadChars;
  const until = spec.extend && 'until' in spec.extend ? untilInfo(spec.extend.until) : undefined;
  const run = spec.extend && 'run' in spec.extend ? spec.extend.run : undefined;
  const search = spec.anchor ? literalSearch(spec.anchor.find) : undefined;
  const skip = spec.anchor ? anchorSkip(spec.anchor, search) : undefined;
  const digits = spec.digits && compileDigitAnchor(spec.digits);
  const word = spec.word && compileWordAnchor(spec.word);

  const extendFrom = (text: string, from: number, final: boolean): { end: number } | OpenMatch => {
    if (run) {
      let e = from;
      while (e < text.length && has(run, text.charCodeAt(e))) e++;
      return e === text.length && !final ? { searchFrom: e } : { end: e };
    }
    if (until) {
      until.re.lastIndex = from;
      const m = until.re.exec(text);
      if (m && (final || m.index <= text.length - until.decideChars)) return { end: m.index + m[0].length };
      if (final) return { end: text.length };
      return { searchFrom: Math.max(from, text.length - until.decideChars + 1) };
    }
    return { end: from };
  };

  const scanner: RegexScanner = {
    re,
    sticky: skip || digits || word ? new RegExp(spec.source, `${spec.flags ?? ''}y`) : re,
    validate: spec.validate,
    extendFrom: run || until ? extendFrom : undefined,
    skip,
    digits,
    word,
  };
  const find = spec.anchor?.find ?? '';
  return {
    entity: spec.entity,
    detector: spec.detector,
    behindChars: reach.behindChars,
    decideChars,
    openBehindChars: until ? until.behindChars : 0,
    mayMatch: spec.anchor && (search ? (text) => search(text, 0) >= 0 : (text) => text.includes(find)),
    scan: digits || word ? (text, from, limit, final) => scanCandidates(scanner, text, from, limit, final) : (text, from, limit, final) => scanRegex(scanner, text, from, limit, final),
    safeLimit: (text, from) => safeLimitOf(reach, decideChars, text, from),
    close: (text, open, final) => extendFrom(text, open.searchFrom, final),
  };
}

/** The regex match at [start, end) as the scan reports it, or undefined when validation refuses it. */
function settle(p: RegexScanner, text: string, start: number, end: number, matched: string | undefined, final: boolean): PatternMatch | undefined {
  const verdict = p.validate ? p.validate(matched ?? text.slice(start, end)) : true;
  const accepted = verdict === true ? end - start : verdict === false ? 0 : Math.min(verdict, end - start);
  if (accepted <= 0) return undefined;
  if (p.extendFrom === undefined) return { start, end: start + accepted };
  const ext = p.extendFrom(text, start + accepted, final);
  return 'searchFrom' in ext ? { start, end: ext.searchFrom, open: ext } : { start, end: ext.end };
}

function scanRegex(p: RegexScanner, text: string, from: number, limit: number, final: boolean): readonly PatternMatch[] {
  let out: PatternMatch[] | undefined;
  let pos = from;
  for (;;) {
    let start = -1;
    let end = 0;
    let matched: string | undefined;
    p.re.lastIndex = pos;
    if (p.skip) {
      const at = p.skip(text, pos);
      if (at < 0 || at > limit) break;
      // Matches mostly start where the anchor first allows: try there without building
      // a match array, and search on from the next position only when that fails.
      p.sticky.lastIndex = at;
      if (p.sticky.test(text)) {
        start = at;
        end = p.sticky.lastIndex;
      } else p.re.lastIndex = at + 1;
    }
    if (start < 0) {
      const m = p.re.exec(text);
      if (m === null || m.index > limit) break;
      start = m.index;
      matched = m[0];
      end = start + matched.length;
    }
    const found = settle(p, text, start, end, matched, final);
    if (found === undefined) {
      pos = start + 1;
      continue;
    }
    (out ??= []).push(found);
    if (found.open) break;
    pos = found.end;
  }
  return out ?? NO_MATCHES;
}

/**
 * The scan with a digit or word anchor: the sticky copy is tried at candidate starts only
 * (`test` builds no match array). Finding candidates reads the whole text once, which pays
 * over a long stretch but not for the few new characters of a stream step: there the
 * regex scans them itself.
 */
function scanCandidates(p: RegexScanner, text: string, from: number, limit: number, final: boolean): readonly PatternMatch[] {
  if (limit - from < MIN_CANDIDATE_SCAN_CHARS) return scanRegex(p, text, from, limit, final);
  const count = p.digits ? digitCandidates(text, p.digits, from) : p.word ? wordCandidates(text, p.word, from) : 0;
  const candidates = p.digits ? p.digits.candidates : p.word ? p.word.candidates : undefined;
  let out: PatternMatch[] | undefined;
  let pos = from;
  for (let c = 0; candidates && c < count && candidates[c] <= limit; c += 2) {
    const last = Math.min(candidates[c + 1], limit);
    for (let at = Math.max(pos, candidates[c]); at <= last; ) {
      p.sticky.lastIndex = at;
      const found = p.sticky.test(text) ? settle(p, text, at, p.sticky.lastIndex, undefined, final) : undefined;
      if (found === undefined) {
        at++;
        continue;
      }
      (out ??= []).push(found);
      if (found.open) return out;
      at = pos = found.end;
    }
  }
  return out ?? NO_MATCHES;
}

/**
 * For an anchor: the first position at or after `from` where a match may start (-1: none
 * can). Positions before it cannot start a match: their anchor would have to lie before
 * the first occurrence at or after `from + min`.
 */
function anchorSkip(anchor: Anchor, search: LiteralSearch | undefined): (text: string, from: number) => number {
  const { find, min, max, within } = anchor;
  if (within && has(within, find.charCodeAt(0))) throw new Error('an anchor must not belong to the run before it');
  return (text, from) => {
    const q = search ? search(text, Math.max(0, from + min)) : text.indexOf(find, Math.max(0, from + min));
    if (q < 0) return -1;
    let at = Math.max(from, q - max);
    if (within) {
      let r = q;
      while (r > at && has(within, text.charCodeAt(r - 1))) r--;
      at = r;
    }
    return at;
  };
}

function untilInfo(re: RegExp): { re: RegExp; decideChars: number; behindChars: number } {
  const flags = re.flags.includes('g') ? re.flags : `${re.flags}g`;
  const { reach } = analyzeRegex(re.source, flags);
  return { re: new RegExp(re.source, flags), decideChars: reach.maxLen + reach.aheadChars, behindChars: reach.behindChars };
}

/**
 * Positions up to the returned index are decided by `text`: either a whole match window
 * fits before the end, or a character no match can consume cuts them off from the end, or
 * the text there cannot begin the pattern's fixed prefix.
 */
function safeLimitOf(reach: RegexReach, decideChars: number, text: string, from: number): number {
  const len = text.length;
  let lo = Math.max(from - 1, len - decideChars);
  for (let q = len - 1 - reach.aheadChars; q > lo; q--) {
    if (!has(reach.consumes, text.charCodeAt(q))) {
      lo = q;
      break;
    }
  }
  const prefix = reach.prefix;
  if (prefix.length === 0) return lo;
  for (let s = lo + 1; s < len; s++) {
    let live = true;
    for (let j = 0; j < prefix.length && s + j < len; j++) {
      if (!has(prefix[j], text.charCodeAt(s + j))) {
        live = false;
        break;
      }
    }
    if (live) return s - 1;
  }
  return len - 1;
}

/** The set of a regex class body, e.g. `classSet('A-Za-z0-9_-')`. */
export function classSet(body: string): CharSet {
  const node = parseRegex(`[${body}]`, '');
  if (node.t !== 'seq' || node.items[0]?.t !== 'char') throw new Error(`not a class: ${body}`);
  return node.items[0].set;
}
