/** Dot product of row `off` of `data` with `q` (4 accumulators: fewer dependency stalls). */
export function dotAt(data: Float32Array, off: number, q: Float32Array, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < d; i += 4) {
    s0 += data[off + i] * q[i];
    s1 += data[off + i + 1] * q[i + 1];
    s2 += data[off + i + 2] * q[i + 2];
    s3 += data[off + i + 3] * q[i + 3];
  }
  for (; i < d; i++) s0 += data[off + i] * q[i];
  return s0 + s1 + s2 + s3;
}

/**
 * Vectors packed in one Float32Array (a row per id) for a cache-friendly exact scan.
 * Removal swaps the last row in, so the block stays dense.
 */
export class VectorBlock {
  data: Float32Array;
  readonly ids: string[] = [];
  private readonly rowOf = new Map<string, number>();

  constructor(readonly dims: number, initialRows = 16) {
    this.data = new Float32Array(dims * Math.max(1, initialRows));
  }

  get size(): number {
    return this.ids.length;
  }

  /** The row of `id`, or -1. */
  indexOf(id: string): number {
    return this.rowOf.get(id) ?? -1;
  }

  /** Row `r` as a view (valid until the next change). */
  row(r: number): Float32Array {
    return this.data.subarray(r * this.dims, (r + 1) * this.dims);
  }

  set(id: string, v: Float32Array): void {
    let row = this.rowOf.get(id);
    if (row === undefined) {
      row = this.ids.length;
      if ((row + 1) * this.dims > this.data.length) {
        const grown = new Float32Array(this.data.length * 2);
        grown.set(this.data);
        this.data = grown;
      }
      this.ids.push(id);
      this.rowOf.set(id, row);
    }
    this.data.set(v, row * this.dims);
  }

  delete(id: string): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = this.ids.length - 1;
    if (row !== last) {
      const moved = this.ids[last];
      this.data.copyWithin(row * this.dims, last * this.dims, (last + 1) * this.dims);
      this.ids[row] = moved;
      this.rowOf.set(moved, row);
    }
    this.ids.pop();
    this.rowOf.delete(id);
    return true;
  }

  /** The best row for `q` above `floor`, skipping what `skip` excludes. */
  best(q: Float32Array, floor: number, skip?: (id: string) => boolean): { id: string; similarity: number } | undefined {
    const d = this.dims;
    let best = -1;
    let bestSim = floor;
    for (let r = 0, off = 0; r < this.ids.length; r++, off += d) {
      const s = dotAt(this.data, off, q, d);
      if (s > bestSim && (skip === undefined || !skip(this.ids[r]))) {
        bestSim = s;
        best = r;
      }
    }
    return best < 0 ? undefined : { id: this.ids[best], similarity: bestSim };
  }
}
