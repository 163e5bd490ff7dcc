/**
 * A conservative set of UTF-16 code units: exact for ASCII, all-or-nothing above it. Used to
 * reason about which characters a pattern can consume (never to match), so over-approximating
 * is always safe: it only makes the stream masker hold back a little more.
 */
export interface CharSet {
  /** 128 flags, one per ASCII code. */
  readonly ascii: Uint8Array;
  /** Whether any non-ASCII code unit may belong. */
  nonAscii: boolean;
}

export const emptySet = (): CharSet => ({ ascii: new Uint8Array(128), nonAscii: false });

export const fullSet = (): CharSet => {
  const s = emptySet();
  s.ascii.fill(1);
  s.nonAscii = true;
  return s;
};

export function addRange(set: CharSet, from: number, to: number): void {
  for (let c = from; c <= to; c++) {
    if (c < 128) set.ascii[c] = 1;
    else {
      set.nonAscii = true;
      break;
    }
  }
}

export function addChars(set: CharSet, chars: string): void {
  for (let i = 0; i < chars.length; i++) addRange(set, chars.charCodeAt(i), chars.charCodeAt(i));
}

export function union(into: CharSet, other: CharSet): CharSet {
  for (let i = 0; i < 128; i++) if (other.ascii[i]) into.ascii[i] = 1;
  into.nonAscii ||= other.nonAscii;
  return into;
}

export function complement(set: CharSet): CharSet {
  const out = emptySet();
  for (let i = 0; i < 128; i++) out.ascii[i] = set.ascii[i] ? 0 : 1;
  out.nonAscii = true;
  return out;
}

export function intersects(a: CharSet, b: CharSet): boolean {
  if (a.nonAscii && b.nonAscii) return true;
  for (let i = 0; i < 128; i++) if (a.ascii[i] && b.ascii[i]) return true;
  return false;
}

/** Adds the other case of every ASCII letter (the `i` flag). */
export function caseFold(set: CharSet): CharSet {
  for (let c = 65; c <= 90; c++) {
    if (set.ascii[c] || set.ascii[c + 32]) {
      set.ascii[c] = 1;
      set.ascii[c + 32] = 1;
    }
  }
  return set;
}

export function has(set: CharSet, code: number): boolean {
  return code < 128 ? set.ascii[code] === 1 : set.nonAscii;
}

/** Sets for the class escapes `\d`, `\w`, `\s` (`\s` also matches Unicode spaces). */
export function classEscape(letter: 'd' | 'w' | 's'): CharSet {
  const s = emptySet();
  if (letter === 'd') addRange(s, 48, 57);
  if (letter === 'w') {
    addRange(s, 48, 57);
    addRange(s, 65, 90);
    addRange(s, 97, 122);
    addChars(s, '_');
  }
  if (letter === 's') {
    addChars(s, ' \t\n\v\f\r');
    s.nonAscii = true;
  }
  return s;
}
