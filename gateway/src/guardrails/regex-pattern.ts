import { type CharSet, has } from './charset.js';
import { parseRegex } from './regex-parse.js';
import type { OpenMatch, Pattern, PatternMatch } from './pattern.js';
import { type RegexReach, analyzeRegex } from './regex-analysis.js';

/** How a match keeps going past its bounded prefix (tokens and key blocks of any length). */
export type Extension =
  /** While characters belong to the class (`[A-Za-z0-9_-]` for tokens). */
  | { run: CharSet }
  /** Up to and including the terminator (a PEM footer); to the end of the text if none. */
  | { until: RegExp };

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
    scan(text, from, limit, final) {
      const out: PatternMatch[] = [];
      re.lastIndex = from;
      for (;;) {
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
        if ('searchFrom' in ext) {
          out.push({ start: m.index, end: ext.searchFrom, open: ext });
          break;
        }
        out.push({ start: m.index, end: ext.end });
        re.lastIndex = ext.end;
      }
      return out;
    },
    safeLimit: (text, from) => safeLimitOf(reach, decideChars, text, from),
    close: (text, open, final) => extendFrom(text, open.searchFrom, final),
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
