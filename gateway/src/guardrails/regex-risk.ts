import { type CharSet, emptySet, fullSet, intersects, union } from './charset.js';
import type { RegexNode } from './regex-parse.js';

/**
 * Backtracking risk of a parsed regex, beyond nesting and backreferences (which the
 * analysis walk flags itself): ambiguous repeated alternations and long chains of
 * adjacent repetitions over overlapping characters.
 */

/** What the check needs to know of each item of a sequence. */
export interface RepetitionInfo {
  min: number;
  max: number;
  consumes: CharSet;
}

/** Most backtracking steps per start position accepted from adjacent repetitions. */
export const MAX_STEPS_PER_POSITION = 512;

/**
 * `[a-z]{1,60}[a-z0-9]{1,60}#` has no nested quantifier, yet on "aaaa…" tries every split
 * of each run (60×60 per start). Multiply the length choices of consecutive items whose
 * characters overlap (a disjoint fixed item anchors the split and resets the chain).
 */
export function checkAdjacentRepetitions(parts: readonly RepetitionInfo[], problems: Set<string>): void {
  let chain = emptySet();
  let steps = 1;
  for (const p of parts) {
    // Zero-width items change nothing; unbounded ones are refused on their own account.
    if (p.max === 0 || !Number.isFinite(p.max)) continue;
    const choices = p.max - p.min + 1;
    const overlaps = intersects(chain, p.consumes);
    if (choices > 1) {
      steps = overlaps ? steps * choices : choices;
      chain = overlaps ? union(chain, p.consumes) : union(emptySet(), p.consumes);
    } else if (!overlaps) {
      steps = 1;
      chain = emptySet();
    }
    if (steps > MAX_STEPS_PER_POSITION) {
      problems.add(
        `adjacent repetitions over overlapping characters backtrack polynomially (over ${MAX_STEPS_PER_POSITION} steps per position); make their characters disjoint or the repetitions shorter`,
      );
      return;
    }
  }
}

interface First {
  set: CharSet;
  nullable: boolean;
}

function first(node: RegexNode): First {
  switch (node.t) {
    case 'char':
      return { set: node.set, nullable: false };
    case 'assert':
    case 'look':
      return { set: emptySet(), nullable: true };
    case 'backref':
      return { set: fullSet(), nullable: true };
    case 'group':
      return first(node.body);
    case 'quant': {
      const f = first(node.body);
      return { set: f.set, nullable: f.nullable || node.min === 0 };
    }
    case 'alt': {
      const fs = node.alts.map(first);
      return { set: fs.reduce((s, f) => union(s, f.set), emptySet()), nullable: fs.some((f) => f.nullable) };
    }
    case 'seq': {
      const set = emptySet();
      for (const item of node.items) {
        const f = first(item);
        union(set, f.set);
        if (!f.nullable) return { set, nullable: false };
      }
      return { set, nullable: true };
    }
  }
}

export function hasAmbiguousAlternation(node: RegexNode): boolean {
  if (node.t === 'alt') {
    const fs = node.alts.map(first);
    if (fs.some((f) => f.nullable)) return true;
    for (let i = 0; i < fs.length; i++) {
      for (let j = i + 1; j < fs.length; j++) if (intersects(fs[i].set, fs[j].set)) return true;
    }
    return node.alts.some(hasAmbiguousAlternation);
  }
  if (node.t === 'seq') return node.items.some(hasAmbiguousAlternation);
  if (node.t === 'group' || node.t === 'quant' || node.t === 'look') return hasAmbiguousAlternation(node.body);
  return false;
}

