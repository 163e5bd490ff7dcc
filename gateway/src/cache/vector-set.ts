import { VectorBlock, dotAt } from './vector-block.js';

interface List {
  block: VectorBlock;
  /** Sum of the members (float64: no drift over many updates); the centroid is its direction. */
  sum: Float64Array;
  centroid: Float32Array;
  dirty: boolean;
  /** A split that put everything on one side is not retried before the list reaches this size. */
  noSplitBelow: number;
}

export interface VectorSetOptions {
  /** Up to this many vectors, one exact scan (no partitioning). */
  flatMax?: number;
  /** Past this, a partition splits in two (2-means). */
  listCap?: number;
  /** Partitions scanned per search, nearest centroids first. */
  probes?: number;
}

/**
 * The unit vectors of one semantic scope, searched by cosine similarity (= dot product).
 * Small sets are scanned exactly. Larger ones become an inverted file: partitions of at
 * most `listCap` vectors, each with a centroid; a search scans the `probes` partitions with
 * the nearest centroids (approximate: a near vector in another partition can be missed,
 * which is a cache miss, never a wrong answer). Partitions split as they fill, so the cost
 * of an insert (one centroid scan, sometimes a split) and of a search stay bounded as the
 * set grows, with no rebuild that would block the event loop.
 */
export class VectorSet {
  private readonly lists: List[] = [];
  private readonly listOf = new Map<string, List>();
  private readonly flatMax: number;
  private readonly listCap: number;
  private readonly probes: number;

  constructor(readonly dims: number, opts: VectorSetOptions = {}) {
    this.flatMax = opts.flatMax ?? 2048;
    this.listCap = opts.listCap ?? 256;
    this.probes = opts.probes ?? 8;
  }

  get size(): number {
    return this.listOf.size;
  }

  /** Partitions in use (1 while the set is scanned exactly). */
  get partitions(): number {
    return this.lists.length;
  }

  /** Adds or replaces `id`'s vector (`dims` long, unit length). */
  set(id: string, v: Float32Array): void {
    if (v.length !== this.dims) throw new RangeError(`vector has ${v.length} dimensions, this set ${this.dims}`);
    this.delete(id);
    if (this.lists.length === 0) this.lists.push(this.newList(16));
    const list = this.lists.length === 1 ? this.lists[0] : this.lists[this.nearestLists(v, 1)[0]];
    this.add(list, id, v);
    const limit = this.lists.length === 1 ? this.flatMax : this.listCap;
    if (list.block.size > limit && list.block.size >= list.noSplitBelow) this.split(list);
  }

  delete(id: string): boolean {
    const list = this.listOf.get(id);
    if (!list) return false;
    const row = list.block.indexOf(id);
    const v = list.block.row(row);
    for (let i = 0; i < this.dims; i++) list.sum[i] -= v[i];
    list.dirty = true;
    list.block.delete(id);
    this.listOf.delete(id);
    if (list.block.size === 0 && this.lists.length > 1) this.lists.splice(this.lists.indexOf(list), 1);
    return true;
  }

  /** The most similar vector to `q` (unit length) among those `skip` does not exclude. */
  nearest(q: Float32Array, skip?: (id: string) => boolean): { id: string; similarity: number } | undefined {
    if (this.lists.length === 0) return undefined;
    const order = this.lists.length === 1 ? [0] : this.nearestLists(q, this.probes);
    let best: { id: string; similarity: number } | undefined;
    for (const i of order) best = this.lists[i].block.best(q, best?.similarity ?? -Infinity, skip) ?? best;
    return best;
  }

  private newList(rows: number): List {
    return { block: new VectorBlock(this.dims, rows), sum: new Float64Array(this.dims), centroid: new Float32Array(this.dims), dirty: true, noSplitBelow: 0 };
  }

  private add(list: List, id: string, v: Float32Array): void {
    list.block.set(id, v);
    for (let i = 0; i < this.dims; i++) list.sum[i] += v[i];
    list.dirty = true;
    this.listOf.set(id, list);
  }

  private centroidOf(list: List): Float32Array {
    if (list.dirty) {
      let norm = 0;
      for (let i = 0; i < this.dims; i++) norm += list.sum[i] * list.sum[i];
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < this.dims; i++) list.centroid[i] = list.sum[i] / norm;
      list.dirty = false;
    }
    return list.centroid;
  }

  /** Indexes of the `k` lists whose centroids are nearest to `q`, nearest first. */
  private nearestLists(q: Float32Array, k: number): number[] {
    const sims = this.lists.map((l) => dotAt(this.centroidOf(l), 0, q, this.dims));
    const picked: number[] = [];
    for (let n = 0; n < Math.min(k, sims.length); n++) {
      let bi = -1;
      for (let i = 0; i < sims.length; i++) if (sims[i] !== -Infinity && (bi < 0 || sims[i] > sims[bi])) bi = i;
      picked.push(bi);
      sims[bi] = -Infinity;
    }
    return picked;
  }

  /** Splits a list in two by 2-means (a few rounds); recurses while a half is still too big. */
  private split(list: List): void {
    const b = list.block;
    const m = b.size;
    const d = this.dims;
    // Seeds: the first member and the member least like it.
    let far = 0;
    let farSim = Infinity;
    for (let r = 1; r < m; r++) {
      const s = dotAt(b.data, r * d, b.row(0), d);
      if (s < farSim) {
        farSim = s;
        far = r;
      }
    }
    const ca = Float32Array.from(b.row(0));
    const cb = Float32Array.from(b.row(far));
    const side = new Uint8Array(m);
    for (let round = 0; round < 4; round++) {
      const sa = new Float64Array(d);
      const sb = new Float64Array(d);
      for (let r = 0; r < m; r++) {
        side[r] = dotAt(b.data, r * d, cb, d) > dotAt(b.data, r * d, ca, d) ? 1 : 0;
        const target = side[r] ? sb : sa;
        for (let i = 0, off = r * d; i < d; i++) target[i] += b.data[off + i];
      }
      for (const [c, s] of [[ca, sa], [cb, sb]] as const) {
        let norm = 0;
        for (let i = 0; i < d; i++) norm += s[i] * s[i];
        norm = Math.sqrt(norm) || 1;
        for (let i = 0; i < d; i++) c[i] = s[i] / norm;
      }
    }
    const ones = side.reduce((n, x) => n + x, 0);
    if (ones === 0 || ones === m) {
      list.noSplitBelow = m * 2;
      return;
    }
    const a = this.newList(m - ones);
    const z = this.newList(ones);
    for (let r = 0; r < m; r++) this.add(side[r] ? z : a, b.ids[r], b.row(r));
    this.lists.splice(this.lists.indexOf(list), 1, a, z);
    for (const half of [a, z]) if (half.block.size > this.listCap) this.split(half);
  }
}

/** `v` scaled to unit length (a copy); undefined for a zero or non-finite vector. */
export function normalise(v: ArrayLike<number>): Float32Array | undefined {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
  norm = Math.sqrt(norm);
  if (!Number.isFinite(norm) || norm === 0) return undefined;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / norm;
  return out;
}
