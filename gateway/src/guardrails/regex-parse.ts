import {
  type CharSet,
  addChars,
  addRange,
  caseFold,
  classEscape,
  complement,
  emptySet,
  fullSet,
  union,
} from './charset.js';

/**
 * A small parser for JavaScript regular expressions, enough to reason about a pattern's
 * reach and backtracking risk. It runs only on sources `new RegExp` already accepted, so it
 * can be lenient about syntax errors.
 */
export type RegexNode =
  | { t: 'seq'; items: RegexNode[] }
  | { t: 'alt'; alts: RegexNode[] }
  /** Consumes one character from `set`; `units` = max UTF-16 code units it can take. */
  | { t: 'char'; set: CharSet; units: 1 | 2 }
  | { t: 'group'; body: RegexNode }
  | { t: 'look'; behind: boolean; body: RegexNode }
  /** Zero-width assertion reading one character on each side (`\b`, `\B`, `^`, `$`). */
  | { t: 'assert'; kind: string }
  | { t: 'backref' }
  | { t: 'quant'; body: RegexNode; min: number; max: number };

interface Parser {
  src: string;
  pos: number;
  unicode: boolean;
  ignoreCase: boolean;
  dotAll: boolean;
}

export function parseRegex(source: string, flags: string): RegexNode {
  const p: Parser = {
    src: source,
    pos: 0,
    unicode: flags.includes('u') || flags.includes('v'),
    ignoreCase: flags.includes('i'),
    dotAll: flags.includes('s'),
  };
  return parseAlt(p);
}

function parseAlt(p: Parser): RegexNode {
  const alts: RegexNode[] = [parseSeq(p)];
  while (p.src[p.pos] === '|') {
    p.pos++;
    alts.push(parseSeq(p));
  }
  return alts.length === 1 ? alts[0] : { t: 'alt', alts };
}

function parseSeq(p: Parser): RegexNode {
  const items: RegexNode[] = [];
  while (p.pos < p.src.length && p.src[p.pos] !== '|' && p.src[p.pos] !== ')') {
    const atom = parseAtom(p);
    items.push(parseQuantifier(p, atom));
  }
  return { t: 'seq', items };
}

function parseQuantifier(p: Parser, atom: RegexNode): RegexNode {
  const c = p.src[p.pos];
  let min: number;
  let max: number;
  if (c === '*' || c === '+' || c === '?') {
    p.pos++;
    [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.src.slice(p.pos));
    if (!m) return atom; // a literal "{" outside unicode mode
    p.pos += m[0].length;
    min = Number(m[1]);
    max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
  } else return atom;
  if (p.src[p.pos] === '?') p.pos++; // lazy: same reach, same risk
  return { t: 'quant', body: atom, min, max };
}

function charNode(p: Parser, set: CharSet): RegexNode {
  if (p.ignoreCase) caseFold(set);
  if (p.ignoreCase && p.unicode) set.nonAscii = true; // Kelvin sign, long s …
  return { t: 'char', set, units: p.unicode && set.nonAscii ? 2 : 1 };
}

function literal(p: Parser, code: number): RegexNode {
  const set = emptySet();
  addRange(set, code, code);
  return charNode(p, set);
}

function parseAtom(p: Parser): RegexNode {
  const c = p.src[p.pos];
  if (c === '(') return parseGroup(p);
  if (c === '[') return parseClass(p);
  if (c === '\\') return parseEscape(p, false).node;
  p.pos++;
  if (c === '.') {
    const set = fullSet();
    if (!p.dotAll) set.ascii[10] = set.ascii[13] = 0;
    return charNode(p, set);
  }
  if (c === '^' || c === '$') return { t: 'assert', kind: c };
  const code = p.src.codePointAt(p.pos - 1) ?? 0;
  if (code > 0xffff) p.pos++;
  return literal(p, code);
}

function parseGroup(p: Parser): RegexNode {
  p.pos++; // (
  let look: { behind: boolean } | undefined;
  const rest = p.src.slice(p.pos, p.pos + 3);
  if (rest.startsWith('?:')) p.pos += 2;
  else if (rest.startsWith('?=') || rest.startsWith('?!')) {
    p.pos += 2;
    look = { behind: false };
  } else if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
    p.pos += 3;
    look = { behind: true };
  } else if (rest.startsWith('?<')) {
    p.pos = p.src.indexOf('>', p.pos) + 1; // named capture
  } else if (rest.startsWith('?')) {
    throw new Error('inline modifier groups "(?i:…)" are not supported');
  }
  const body = parseAlt(p);
  p.pos++; // )
  return look ? { t: 'look', behind: look.behind, body } : { t: 'group', body };
}

function parseClass(p: Parser): RegexNode {
  p.pos++; // [
  const negate = p.src[p.pos] === '^';
  if (negate) p.pos++;
  const set = emptySet();
  while (p.pos < p.src.length && p.src[p.pos] !== ']') {
    const lo = classAtom(p, set);
    if (lo !== undefined && p.src[p.pos] === '-' && p.src[p.pos + 1] !== ']' && p.pos + 1 < p.src.length) {
      p.pos++;
      const hi = classAtom(p, set);
      if (hi !== undefined) addRange(set, lo, hi);
      else addChars(set, '-');
    } else if (lo !== undefined) addRange(set, lo, lo);
  }
  p.pos++; // ]
  return charNode(p, negate ? complement(p.ignoreCase ? caseFold(set) : set) : set);
}

/** One class member: returns its code point, or undefined after adding a whole class escape. */
function classAtom(p: Parser, set: CharSet): number | undefined {
  if (p.src[p.pos] === '\\') {
    if (p.src[p.pos + 1] === 'b') {
      p.pos += 2;
      return 8; // backspace inside a class
    }
    const esc = parseEscape(p, true);
    if (esc.code !== undefined) return esc.code;
    if (esc.node.t === 'char') union(set, esc.node.set);
    return undefined;
  }
  const code = p.src.codePointAt(p.pos) ?? 0;
  p.pos += code > 0xffff ? 2 : 1;
  return code;
}

const CONTROL: Record<string, number> = { n: 10, r: 13, t: 9, v: 11, f: 12, '0': 0 };

function parseEscape(p: Parser, inClass: boolean): { node: RegexNode; code?: number } {
  const c = p.src[p.pos + 1] ?? '';
  p.pos += 2;
  const lower = c.toLowerCase();
  if (lower === 'd' || lower === 'w' || lower === 's') {
    const set = classEscape(lower);
    return { node: charNode(p, c === lower ? set : complement(set)) };
  }
  if (!inClass && (c === 'b' || c === 'B')) return { node: { t: 'assert', kind: c } };
  if (!inClass && /[1-9]/.test(c)) {
    while (/[0-9]/.test(p.src[p.pos] ?? '')) p.pos++;
    return { node: { t: 'backref' } };
  }
  if (!inClass && c === 'k' && p.src[p.pos] === '<') {
    p.pos = p.src.indexOf('>', p.pos) + 1;
    return { node: { t: 'backref' } };
  }
  if ((c === 'p' || c === 'P') && p.unicode) {
    p.pos = p.src.indexOf('}', p.pos) + 1;
    return { node: charNode(p, fullSet()) };
  }
  let code: number;
  if (c in CONTROL && !(c === '0' && /[0-9]/.test(p.src[p.pos] ?? ''))) code = CONTROL[c];
  else if (c === 'x' && /^[0-9a-fA-F]{2}/.test(p.src.slice(p.pos))) {
    code = parseInt(p.src.slice(p.pos, p.pos + 2), 16);
    p.pos += 2;
  } else if (c === 'u' && p.src[p.pos] === '{' && p.unicode) {
    const end = p.src.indexOf('}', p.pos);
    code = parseInt(p.src.slice(p.pos + 1, end), 16);
    p.pos = end + 1;
  } else if (c === 'u' && /^[0-9a-fA-F]{4}/.test(p.src.slice(p.pos))) {
    code = parseInt(p.src.slice(p.pos, p.pos + 4), 16);
    p.pos += 4;
  } else if (c === 'c' && /[A-Za-z]/.test(p.src[p.pos] ?? '')) {
    code = p.src.charCodeAt(p.pos) % 32;
    p.pos++;
  } else code = c.codePointAt(0) ?? 0; // identity escape
  return { node: literal(p, code), code };
}
