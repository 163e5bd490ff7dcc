import { type CharSet, has } from './charset.js';
import { parseRegex } from './regex-parse.js';
import { NO_MATCHES, type OpenMatch, type Pattern, type PatternMatch } from './pattern.js';
import { type RegexReach, analyzeRegex } from './regex-analysis.js';

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
  const skip = spec.anchor ? anchorSkip(spec.anchor) : undefined;

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

  return {
    entity: spec.entity,
    detector: spec.detector,
    behindChars: reach.behindChars,
    decideChars,
    openBehindChars: until ? until.behindChars : 0,
    required: spec.anchor?.find,
    scan(text, from, limit, final) {
      let out: PatternMatch[] | undefined;
      re.lastIndex = from;
      for (;;) {
        if (skip) {
          const at = skip(text, re.lastIndex);
          if (at < 0 || at > limit) break;
          re.lastIndex = at;
        }
        const m = re.exec(text);
        if (m === null || m.index > limit) break;
        const verdict = spec.validate ? spec.validate(m[0]) : true;
        const accepted = verdict === true ? m[0].length : verdict === false ? 0 : Math.min(verdict, m[0].length);
        if (accepted <= 0) {
          re.lastIndex = m.index + 1;
          continue;
        }
        const prefixEnd = m.index + accepted;
        const ext = extendFrom(text, prefixEnd, final);
        out ??= [];
        if ('searchFrom' in ext) {
          out.push({ start: m.index, end: ext.searchFrom, open: ext });
          break;
        }
        out.push({ start: m.index, end: ext.end });
        re.lastIndex = ext.end;
      }
      return out ?? NO_MATCHES;
    },
    safeLimit: (text, from) => safeLimitOf(reach, decideChars, text, from),
    close: (text, open, final) => extendFrom(text, open.searchFrom, final),
  };
}

/**
 * For an anchor: the first position at or after `from` where a match may start (-1: none
 * can). Positions before it cannot start a match: their anchor would have to lie before
 * the first occurrence at or after `from + min`.
 */
function anchorSkip(anchor: Anchor): (text: string, from: number) => number {
  const { find, min, max, within } = anchor;
  if (within && has(within, find.charCodeAt(0))) throw new Error('an anchor must not belong to the run before it');
  return (text, from) => {
    const q = text.indexOf(find, Math.max(0, from + min));
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
