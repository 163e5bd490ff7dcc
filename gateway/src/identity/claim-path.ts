/**
 * Reads a claim by path. The whole path is tried as a key first, so namespaced claims such
 * as `https://example.com/team` work with the default `.` delimiter; otherwise the path is
 * split on `delimiter` and walked through nested objects.
 */
export function lookupClaim(claims: Readonly<Record<string, unknown>>, path: string, delimiter: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  const parts = path.split(delimiter);
  if (parts.length === 1) return undefined;
  let cur: unknown = claims;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** A claim value as the strings a policy can compare against (lists flatten one level). */
export function claimStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.flatMap((v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? [String(v)] : []));
  return [];
}
