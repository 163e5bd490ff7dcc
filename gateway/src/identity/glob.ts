/** A compiled set of globs: true when any of them matches the whole value. */
export type Matcher = (value: string) => boolean;

const matchAll: Matcher = () => true;

/**
 * Compiles globs once (per config): `*` is any run of characters (including `/`), `?` one
 * character, everything else literal and case-sensitive. Literal entries become a Set
 * lookup; the rest use an iterative matcher (no RegExp, so no catastrophic backtracking on
 * client-supplied model names).
 */
export function compileGlobs(globs: string | readonly string[]): Matcher {
  const list = typeof globs === 'string' ? [globs] : globs;
  if (list.includes('*')) return matchAll;
  const exact = new Set<string>();
  const patterns: string[] = [];
  for (const g of list) {
    if (isLiteral(g)) exact.add(g);
    else patterns.push(g);
  }
  if (patterns.length === 0) return (value) => exact.has(value);
  return (value) => exact.has(value) || patterns.some((p) => globMatch(p, value));
}

function isLiteral(glob: string): boolean {
  return !glob.includes('*') && !glob.includes('?');
}

/**
 * Whole-string wildcard match in O(pattern × value) worst case: on a mismatch after a `*`,
 * resume one character further from the last star instead of backtracking recursively.
 */
export function globMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      resume = v;
    } else if (c !== undefined && (c === '?' || c === value[v])) {
      p++;
      v++;
    } else if (star !== -1) {
      p = star + 1;
      v = ++resume;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
