import type { Database } from 'better-sqlite3-multiple-ciphers';
import { MnemoError } from '../config/errors.js';

/*
 * Nearest-neighbour search over embeddings, one index per (kind, model id): sqlite-vec
 * `vec0` tables when the extension loads, else brute force over a Float32Array
 * cache built from the source rows (face_samples / text_vectors stay the truth,
 * the vec0 tables are an index that can always be rebuilt from them).
 */

export type VectorKind = 'face' | 'text';
export type VectorMode = 'sqlite-vec' | 'brute-force';

interface IndexRow {
  tbl: string;
  kind: VectorKind;
  model_id: string;
  dim: number;
}

interface Cache {
  ids: Float64Array;
  mat: Float32Array;
  dim: number;
}

const SOURCE: Record<VectorKind, { table: string; column: string }> = {
  face: { table: 'face_samples', column: 'embedding' },
  text: { table: 'text_vectors', column: 'vector' },
};

export function toBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function fromBlob(b: Buffer): Float32Array {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

export function checkVector(v: Float32Array, what: string): void {
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (!Number.isFinite(x)) throw new MnemoError('invalid-argument', `${what} has a non-finite value at ${i}`);
    norm += x * x;
  }
  if (v.length === 0 || norm === 0) throw new MnemoError('invalid-argument', `${what} is empty or all zeros`);
}

export class VectorIndex {
  private readonly caches = new Map<string, Cache>();
  private dataVersion = -1;

  constructor(
    private readonly db: Database,
    readonly mode: VectorMode,
  ) {}

  private row(kind: VectorKind, modelId: string): IndexRow | undefined {
    return this.db.prepare('select * from vector_indexes where kind = ? and model_id = ?').get(kind, modelId) as IndexRow | undefined;
  }

  private vecTableExists(tbl: string): boolean {
    return this.db.prepare("select 1 from sqlite_schema where type = 'table' and name = ?").get(tbl) !== undefined;
  }

  private createVecTable(r: IndexRow): void {
    this.db.exec(`create virtual table if not exists ${r.tbl} using vec0 (embedding float[${r.dim}] distance_metric=cosine)`);
  }

  /** The index of a model id, created on first use; a vector of another dimension is refused. */
  ensure(kind: VectorKind, modelId: string, dim: number): IndexRow {
    let r = this.row(kind, modelId);
    if (!r) {
      const n = (this.db.prepare('select count(*) from vector_indexes').pluck().get() as number) + 1;
      r = { tbl: `vec_${kind}_${n}`, kind, model_id: modelId, dim };
      this.db.prepare('insert into vector_indexes (tbl, kind, model_id, dim) values (?, ?, ?, ?)').run(r.tbl, kind, modelId, dim);
      if (this.mode === 'sqlite-vec') this.createVecTable(r);
    }
    if (r.dim !== dim) {
      throw new MnemoError('invalid-argument', `${kind} model ${modelId} has ${r.dim}-d vectors, got ${dim}-d`);
    }
    return r;
  }

  insert(kind: VectorKind, modelId: string, rowid: number, v: Float32Array): void {
    const r = this.ensure(kind, modelId, v.length);
    this.caches.delete(`${kind}:${modelId}`);
    if (this.mode === 'sqlite-vec') this.db.prepare(`insert into ${r.tbl} (rowid, embedding) values (?, ?)`).run(BigInt(rowid), toBlob(v));
  }

  /** Overwrites the vectors with zeros before deleting them, so their bytes do not linger in vec0 chunks. */
  remove(kind: VectorKind, modelId: string, rowids: number[]): void {
    const r = this.row(kind, modelId);
    this.caches.delete(`${kind}:${modelId}`);
    if (!r || this.mode !== 'sqlite-vec' || rowids.length === 0) return;
    const zeros = toBlob(new Float32Array(r.dim));
    const upd = this.db.prepare(`update ${r.tbl} set embedding = ? where rowid = ?`);
    const del = this.db.prepare(`delete from ${r.tbl} where rowid = ?`);
    for (const id of rowids) {
      upd.run(zeros, BigInt(id));
      del.run(BigInt(id));
    }
  }

  /** The best `k` rows by cosine similarity, best first. */
  nearest(kind: VectorKind, modelId: string, query: Float32Array, k: number): Array<{ rowid: number; similarity: number }> {
    const r = this.row(kind, modelId);
    if (!r || k <= 0) return [];
    if (r.dim !== query.length)
      throw new MnemoError('invalid-argument', `${kind} model ${modelId} has ${r.dim}-d vectors, got ${query.length}-d`);
    if (this.mode === 'sqlite-vec') {
      const rows = this.db
        .prepare(`select rowid, distance from ${r.tbl} where embedding match ? and k = ? order by distance`)
        .all(toBlob(query), k) as Array<{ rowid: number; distance: number }>;
      return rows.map((x) => ({ rowid: x.rowid, similarity: 1 - x.distance }));
    }
    return bruteForce(this.cache(r), query, k);
  }

  /** Brute force over the cached matrix, whatever the mode (the benchmark's peer; also the fallback). */
  nearestBruteForce(kind: VectorKind, modelId: string, query: Float32Array, k: number): Array<{ rowid: number; similarity: number }> {
    const r = this.row(kind, modelId);
    return r ? bruteForce(this.cache(r), query, k) : [];
  }

  private cache(r: IndexRow): Cache {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.dataVersion) {
      this.caches.clear();
      this.dataVersion = version;
    }
    const key = `${r.kind}:${r.model_id}`;
    let c = this.caches.get(key);
    if (!c) {
      const src = SOURCE[r.kind];
      const rows = this.db
        .prepare(`select id, ${src.column} as v from ${src.table} where model_id = ? order by id`)
        .raw()
        .all(r.model_id) as Array<[number, Buffer]>;
      const mat = new Float32Array(rows.length * r.dim);
      const ids = new Float64Array(rows.length);
      rows.forEach(([id, blob], i) => {
        const v = fromBlob(blob);
        const inv = 1 / Math.hypot(...v);
        for (let j = 0; j < r.dim; j++) mat[i * r.dim + j] = (v[j] as number) * inv;
        ids[i] = id;
      });
      c = { ids, mat, dim: r.dim };
      this.caches.set(key, c);
    }
    return c;
  }

  /**
   * At open. With sqlite-vec: (re)build any index that is missing, marked stale or
   * out of step with its source rows. Without it: vec0 tables left by an earlier run
   * can no longer be updated, so their vector bytes are zeroed (a forget must not
   * leave them behind) and they are marked stale for the next run that has sqlite-vec.
   */
  reconcile(): void {
    const rows = this.db.prepare('select * from vector_indexes').all() as IndexRow[];
    const stale = this.db.prepare("select value from meta where key = 'vec-stale'").pluck().get() === '1';
    if (this.mode === 'brute-force') {
      for (const r of rows) {
        if (!this.vecTableExists(`${r.tbl}_vector_chunks00`)) continue;
        this.db.exec(`update ${r.tbl}_vector_chunks00 set vectors = zeroblob(length(vectors))`);
      }
      if (rows.length) this.db.prepare("insert or replace into meta (key, value) values ('vec-stale', '1')").run();
      return;
    }
    for (const r of rows) {
      const src = SOURCE[r.kind];
      const want = this.db.prepare(`select count(*) from ${src.table} where model_id = ?`).pluck().get(r.model_id) as number;
      const exists = this.vecTableExists(r.tbl);
      const have = exists ? (this.db.prepare(`select count(*) from ${r.tbl}_rowids`).pluck().get() as number) : -1;
      if (exists && !stale && have === want) continue;
      if (exists) this.db.exec(`drop table ${r.tbl}`);
      this.createVecTable(r);
      const ins = this.db.prepare(`insert into ${r.tbl} (rowid, embedding) values (?, ?)`);
      for (const [id, blob] of this.db
        .prepare(`select id, ${src.column} from ${src.table} where model_id = ?`)
        .raw()
        .all(r.model_id) as Array<[number, Buffer]>) {
        ins.run(BigInt(id), blob);
      }
    }
    this.db.prepare("delete from meta where key = 'vec-stale'").run();
  }
}

function bruteForce(c: Cache, query: Float32Array, k: number): Array<{ rowid: number; similarity: number }> {
  const { dim, mat, ids } = c;
  const n = ids.length;
  let qn = 0;
  for (let j = 0; j < dim; j++) qn += (query[j] as number) ** 2;
  const inv = 1 / Math.sqrt(qn);
  const q = new Float32Array(dim);
  for (let j = 0; j < dim; j++) q[j] = (query[j] as number) * inv;
  const kk = Math.min(k, n);
  const bestS = new Float64Array(kk).fill(Number.NEGATIVE_INFINITY);
  const bestI = new Int32Array(kk).fill(-1);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * dim;
    for (let j = 0; j < dim; j++) s += (mat[o + j] as number) * (q[j] as number);
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
  const out: Array<{ rowid: number; similarity: number }> = [];
  for (let p = 0; p < kk; p++)
    if ((bestI[p] as number) >= 0) out.push({ rowid: ids[bestI[p] as number] as number, similarity: bestS[p] as number });
  return out;
}
