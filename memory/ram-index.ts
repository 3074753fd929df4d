import { createRequire } from 'node:module';
import { logger } from '../config/log.js';

/*
 * Exact nearest-neighbour search over an in-RAM matrix of unit vectors (so cosine is a
 * dot product). usearch's exactSearch does the scan with SIMD in native code; if its
 * binding cannot load, a plain JavaScript loop gives the same answers, slower. At 100k
 * 128-d samples the scan reads 51 MB per query, so it is memory-bound either way.
 */

interface Usearch {
  exactSearch(
    dataset: Float32Array,
    query: Float32Array,
    dim: number,
    k: number,
    metric: string,
    threads?: number,
  ): { keys: BigUint64Array; distances: Float32Array };
  MetricKind: { IP: string };
}

let usearch: Usearch | null | undefined;

function loadUsearch(): Usearch | null {
  if (usearch === undefined) {
    try {
      usearch = createRequire(import.meta.url)('usearch') as Usearch;
    } catch (err) {
      usearch = null;
      logger('mnemo:memory').warn({ err: String(err) }, 'usearch did not load: in-RAM vector search uses a JavaScript loop');
    }
  }
  return usearch;
}

export type RamEngine = 'usearch' | 'js';

export function ramEngine(): RamEngine {
  return loadUsearch() ? 'usearch' : 'js';
}

export interface Hit {
  rowid: number;
  similarity: number;
}

export class RamMatrix {
  private ids: Float64Array;
  private mat: Float32Array;
  private readonly at = new Map<number, number>();
  n = 0;

  constructor(
    readonly dim: number,
    capacity = 64,
  ) {
    this.ids = new Float64Array(capacity);
    this.mat = new Float32Array(capacity * dim);
  }

  get bytes(): number {
    return this.n * this.dim * 4;
  }

  /** Appends a vector (normalised here) under a row id; a known row id is replaced. */
  add(rowid: number, v: Float32Array | Buffer): void {
    this.remove(rowid);
    if (this.n === this.ids.length) {
      const ids = new Float64Array(this.ids.length * 2);
      ids.set(this.ids);
      const mat = new Float32Array(this.mat.length * 2);
      mat.set(this.mat);
      this.ids = ids;
      this.mat = mat;
    }
    const o = this.n * this.dim;
    if (v instanceof Float32Array) this.mat.set(v, o);
    else new Uint8Array(this.mat.buffer, o * 4, this.dim * 4).set(v.subarray(0, this.dim * 4));
    let norm = 0;
    for (let j = o; j < o + this.dim; j++) norm += (this.mat[j] as number) ** 2;
    const inv = 1 / Math.sqrt(norm);
    for (let j = o; j < o + this.dim; j++) this.mat[j] = (this.mat[j] as number) * inv;
    this.ids[this.n] = rowid;
    this.at.set(rowid, this.n++);
  }

  /** Removes a row by moving the last one into its slot. */
  remove(rowid: number): void {
    const i = this.at.get(rowid);
    if (i === undefined) return;
    const last = this.n - 1;
    if (i !== last) {
      this.mat.copyWithin(i * this.dim, last * this.dim, (last + 1) * this.dim);
      const moved = this.ids[last] as number;
      this.ids[i] = moved;
      this.at.set(moved, i);
    }
    // Zero the freed slot: a forgotten face's vector should not linger in RAM either.
    this.mat.fill(0, last * this.dim, (last + 1) * this.dim);
    this.at.delete(rowid);
    this.n = last;
  }

  search(query: Float32Array, k: number, engine: RamEngine = ramEngine()): Hit[] {
    const kk = Math.min(k, this.n);
    if (kk <= 0) return [];
    let qn = 0;
    for (let j = 0; j < this.dim; j++) qn += (query[j] as number) ** 2;
    const inv = 1 / Math.sqrt(qn);
    const q = new Float32Array(this.dim);
    for (let j = 0; j < this.dim; j++) q[j] = (query[j] as number) * inv;
    const u = engine === 'usearch' ? loadUsearch() : null;
    if (u) {
      const r = u.exactSearch(this.mat.subarray(0, this.n * this.dim), q, this.dim, kk, u.MetricKind.IP, 1);
      return Array.from(r.keys, (key, i) => ({ rowid: this.ids[Number(key)] as number, similarity: 1 - (r.distances[i] as number) }));
    }
    return this.scan(q, kk);
  }

  private scan(q: Float32Array, kk: number): Hit[] {
    const { dim, mat, ids, n } = this;
    const bestS = new Float64Array(kk).fill(Number.NEGATIVE_INFINITY);
    const bestI = new Int32Array(kk).fill(-1);
    const tail = dim - (dim % 4);
    for (let i = 0; i < n; i++) {
      const o = i * dim;
      // Four accumulators: lets V8 overlap the multiply-adds.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < tail; j += 4) {
        s0 += (mat[o + j] as number) * (q[j] as number);
        s1 += (mat[o + j + 1] as number) * (q[j + 1] as number);
        s2 += (mat[o + j + 2] as number) * (q[j + 2] as number);
        s3 += (mat[o + j + 3] as number) * (q[j + 3] as number);
      }
      for (let j = tail; j < dim; j++) s0 += (mat[o + j] as number) * (q[j] as number);
      const s = s0 + s1 + s2 + s3;
      if (s <= (bestS[kk - 1] as number)) continue;
      let p = kk - 1;
      while (p > 0 && (bestS[p - 1] as number) < s) {
        bestS[p] = bestS[p - 1] as number;
        bestI[p] = bestI[p - 1] as number;
        p--;
      }
      bestS[p] = s;
      bestI[p] = i;
    }
    const out: Hit[] = [];
    for (let p = 0; p < kk; p++) {
      const i = bestI[p] as number;
      if (i >= 0) out.push({ rowid: ids[i] as number, similarity: bestS[p] as number });
    }
    return out;
  }
}
