/** A version of a key as `llm_cache` holds it. */
export interface KeyVersion {
  tenant: string;
  key: string;
  /** '' for an exact-only version. */
  scope: string;
  /** Empty for an exact-only version. */
  embedding: number[];
  createdAtMs: number;
  expiresAtMs: number;
}

/** A write that supersedes the older versions of its key: a put (`scope` '' unless semantic), or a drop (''). */
export interface SupersedingWrite {
  tenant: string;
  key: string;
  atMs: number;
  scope: string;
}

/** A scope where a write supersedes a semantic version of its key, and what hides it there. */
export interface Superseded {
  tenant: string;
  key: string;
  scope: string;
  /** When the write happened: the hiding row is that new. */
  atMs: number;
  /** The last expiry among the versions hidden: the hiding row lasts that long. */
  expiresAtMs: number;
  /** The newest hidden version's vector (see `vectorTableDdl`). */
  embedding: number[];
}

/**
 * The scopes where writes supersede semantic versions of their keys in the vector tables
 * outside their own scope (in its own scope, a write's newer row does): each scope with a
 * semantic version older than the write and live at it. The hiding row carries the newest
 * such version's vector: where the graph is searched only rows near the query are read, and
 * it is wherever that version is (a scope's versions of a key embed the same text).
 */
export function supersededVersions(writes: readonly SupersedingWrite[], versions: readonly KeyVersion[]): Superseded[] {
  const byKey = new Map<string, KeyVersion[]>();
  for (const v of versions) {
    const id = `${v.tenant}\n${v.key}`;
    const list = byKey.get(id);
    if (list) list.push(v);
    else byKey.set(id, [v]);
  }
  const out: Superseded[] = [];
  for (const w of writes) {
    const hidden = new Map<string, { embedding: number[]; createdAtMs: number; expiresAtMs: number }>();
    for (const v of byKey.get(`${w.tenant}\n${w.key}`) ?? []) {
      if (v.scope === '' || v.embedding.length === 0 || v.scope === w.scope || !(v.createdAtMs < w.atMs) || !(v.expiresAtMs > w.atMs)) continue;
      const seen = hidden.get(v.scope);
      hidden.set(v.scope, {
        embedding: seen && seen.createdAtMs > v.createdAtMs ? seen.embedding : v.embedding,
        createdAtMs: Math.max(v.createdAtMs, seen?.createdAtMs ?? v.createdAtMs),
        expiresAtMs: Math.max(v.expiresAtMs, seen?.expiresAtMs ?? v.expiresAtMs),
      });
    }
    for (const [scope, h] of hidden) out.push({ tenant: w.tenant, key: w.key, scope, atMs: w.atMs, expiresAtMs: h.expiresAtMs, embedding: h.embedding });
  }
  return out;
}
