import { type CharSet, emptySet, fullSet, union } from './charset.js';
import { type RegexNode, parseRegex } from './regex-parse.js';
import { checkAdjacentRepetitions, hasAmbiguousAlternation } from './regex-risk.js';

/** How far a pattern reads around a match start, and what it can consume. */
export interface RegexReach {
  /** Code units a match consumes at least / at most (`Infinity` = unbounded). */
  minLen: number;
  maxLen: number;
  /** Characters read before the match start (lookbehind, `\b`). */
  behindChars: number;
  /** Characters read past the consumed text (lookahead, `\b`, `$`). */
  aheadChars: number;
  /** Every character a match can consume. */
  consumes: CharSet;
  /** Sets of the first fixed characters of any match (position-wise), for cheap liveness tests. */
  prefix: CharSet[];
}

export interface RegexAnalysis {
  reach: RegexReach;
  /** Uses `^`/`$` (whole-text anchors without the `m` flag). */
  textAnchors: boolean;
  /** Why the pattern is unsafe for the request path; empty when it may be compiled. */
  problems: string[];
}

interface Info {
  min: number;
  max: number;
  behind: number;
  ahead: number;
  consumes: CharSet;
  variable: boolean;
  backref: boolean;
}

const mul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : a * b);

/** Parses and analyses a pattern; throws only on constructs the parser does not support. */
export function analyzeRegex(source: string, flags: string): RegexAnalysis {
  const root = parseRegex(source, flags);
  const problems = new Set<string>();
  const info = walk(root, problems);
  if (info.backref) problems.add('backreferences can backtrack exponentially');
  return {
    textAnchors: !flags.includes('m') && hasTextAnchor(root),
    reach: {
      minLen: info.min,
      maxLen: info.max,
      // +2: the engine may read one more character (a surrogate pair) on each side.
      behindChars: info.behind + 2,
      aheadChars: info.ahead + 2,
      consumes: info.consumes,
      prefix: prefixSets(root, 32).sets,
    },
    problems: [...problems],
  };
}

function walk(node: RegexNode, problems: Set<string>): Info {
  switch (node.t) {
    case 'char':
      return { min: 1, max: node.units, behind: 0, ahead: 0, consumes: node.set, variable: false, backref: false };
    case 'assert':
      return { min: 0, max: 0, behind: 1, ahead: 1, consumes: emptySet(), variable: false, backref: false };
    case 'backref':
      return { min: 0, max: Infinity, behind: 0, ahead: 0, consumes: fullSet(), variable: true, backref: true };
    case 'group':
      return walk(node.body, problems);
    case 'look': {
      const b = walk(node.body, problems);
      const reach = b.max + (node.behind ? b.behind : b.ahead);
      return {
        min: 0,
        max: 0,
        behind: node.behind ? reach : b.behind,
        ahead: node.behind ? b.ahead : reach,
        consumes: emptySet(),
        variable: b.variable,
        backref: b.backref,
      };
    }
    case 'seq':
    case 'alt': {
      const parts = (node.t === 'seq' ? node.items : node.alts).map((n) => walk(n, problems));
      if (node.t === 'seq') checkAdjacentRepetitions(parts, problems);
      const acc: Info = { min: 0, max: 0, behind: 0, ahead: 0, consumes: emptySet(), variable: false, backref: false };
      parts.forEach((p, i) => {
        if (node.t === 'seq') {
          acc.min += p.min;
          acc.max += p.max;
        } else {
          acc.min = i === 0 ? p.min : Math.min(acc.min, p.min);
          acc.max = Math.max(acc.max, p.max);
        }
        acc.behind = Math.max(acc.behind, p.behind);
        acc.ahead = Math.max(acc.ahead, p.ahead);
        union(acc.consumes, p.consumes);
        acc.variable ||= p.variable;
        acc.backref ||= p.backref;
      });
      return acc;
    }
    case 'quant': {
      const b = walk(node.body, problems);
      if (node.max > 1 && b.variable) {
        problems.add('nested quantifiers (a repeated group containing a variable repetition) can backtrack catastrophically');
      }
      if (node.max > 1 && hasAmbiguousAlternation(node.body)) {
        problems.add('a repeated group whose alternatives can start with the same character can backtrack catastrophically');
      }
      return {
        ...b,
        min: mul(b.min, node.min),
        max: mul(b.max, node.max),
        variable: b.variable || node.min !== node.max,
      };
    }
  }
}

/** The sets of the first `limit` consumed characters, as long as they are fixed. */
function prefixSets(node: RegexNode, limit: number): { sets: CharSet[]; complete: boolean } {
  switch (node.t) {
    case 'char':
      // A unit-2 atom (astral code point) would misalign the position-wise sets: stop there.
      return { sets: [node.set], complete: node.units === 1 };
    case 'assert':
    case 'look':
      return { sets: [], complete: true };
    case 'group':
      return prefixSets(node.body, limit);
    case 'backref':
      return { sets: [], complete: false };
    case 'quant': {
      if (node.min !== node.max || node.min > limit) return { sets: [], complete: false };
      const sets: CharSet[] = [];
      for (let i = 0; i < node.min && sets.length < limit; i++) {
        const p = prefixSets(node.body, limit - sets.length);
        sets.push(...p.sets);
        if (!p.complete) return { sets, complete: false };
      }
      return { sets, complete: true };
    }
    case 'seq': {
      const sets: CharSet[] = [];
      for (const item of node.items) {
        if (sets.length >= limit) return { sets, complete: false };
        const p = prefixSets(item, limit - sets.length);
        sets.push(...p.sets);
        if (!p.complete) return { sets, complete: false };
      }
      return { sets, complete: true };
    }
    case 'alt': {
      const ps = node.alts.map((a) => prefixSets(a, limit));
      const n = Math.min(...ps.map((p) => p.sets.length));
      const sets = Array.from({ length: n }, (_, i) => ps.reduce((s, p) => union(s, p.sets[i]), emptySet()));
      const complete = ps.every((p) => p.complete && p.sets.length === n);
      return { sets, complete };
    }
  }
}

function hasTextAnchor(node: RegexNode): boolean {
  switch (node.t) {
    case 'assert':
      return node.kind === '^' || node.kind === '$';
    case 'seq':
      return node.items.some(hasTextAnchor);
    case 'alt':
      return node.alts.some(hasTextAnchor);
    case 'group':
    case 'look':
    case 'quant':
      return hasTextAnchor(node.body);
    default:
      return false;
  }
}
