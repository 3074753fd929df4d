import type { Database } from 'better-sqlite3-multiple-ciphers';
import { MnemoError } from '../config/errors.js';
import { type Hit, type RamEngine, RamMatrix } from './ram-index.js';

/*
 * Nearest-neighbour search over embeddings, one index per (kind, model id). Two exact
 * engines give the same answers:
 * - sqlite-vec `vec0` tables, on disk, when the extension loads;
 * - an in-RAM matrix of unit vectors (ram-index.ts: usearch SIMD scan, or a JS loop),
 *   built from the source rows on first use and kept in step with later writes.
 * `auto` uses the RAM matrix while it fits `ramBudgetBytes` (it is ~2-10x faster: see
 * the memory benchmark), else sqlite-vec; without sqlite-vec, always the RAM matrix.
 * face_samples / text_vectors stay the truth: the vec0 tables can always be rebuilt.
 */

export type VectorKind = 'face' | 'text';
export type VectorMode = 'sqlite-vec' | 'brute-force';

interface IndexRow {
  tbl: string;
  kind: VectorKind;
  model_id: string;
  dim: number;
}

export type SearchEngine = 'auto' | 'sqlite-vec' | 'ram' | RamEngine;

/** Default RAM budget per model: 100k 128-d samples (51 MB) fit, 100k 512-d (205 MB) do not. */
export const DEFAULT_RAM_BUDGET_BYTES = 64 * 2 ** 20;

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
  private readonly caches = new Map<string, RamMatrix>();
  private dataVersion = -1;

  constructor(
    private readonly db: Database,
    readonly mode: VectorMode,
    readonly ramBudgetBytes = DEFAULT_RAM_BUDGET_BYTES,
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
    // A warm matrix takes the new row; a rolled-back transaction leaves a stray row id
    // that `hits()` drops because its source row does not exist.
    const ram = this.caches.get(`${kind}:${modelId}`);
    ram?.add(rowid, v);
    // Grown past the budget: sqlite-vec answers from now on, so the RAM goes back.
    if (ram && this.mode === 'sqlite-vec' && ram.bytes > this.ramBudgetBytes) this.caches.delete(`${kind}:${modelId}`);
    if (this.mode === 'sqlite-vec') this.db.prepare(`insert into ${r.tbl} (rowid, embedding) values (?, ?)`).run(BigInt(rowid), toBlob(v));
  }

  /** Overwrites the vectors with zeros before deleting them, so their bytes do not linger in vec0 chunks. */
  remove(kind: VectorKind, modelId: string, rowids: number[]): void {
    const r = this.row(kind, modelId);
    const ram = this.caches.get(`${kind}:${modelId}`);
    for (const id of rowids) ram?.remove(id);
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
  nearest(kind: VectorKind, modelId: string, query: Float32Array, k: number, engine: SearchEngine = 'auto'): Hit[] {
    const r = this.row(kind, modelId);
    if (!r || k <= 0) return [];
    if (r.dim !== query.length)
      throw new MnemoError('invalid-argument', `${kind} model ${modelId} has ${r.dim}-d vectors, got ${query.length}-d`);
    const useVec = this.mode === 'sqlite-vec' && (engine === 'sqlite-vec' || (engine === 'auto' && !this.fitsInRam(r)));
    if (useVec) {
      const rows = this.db
        .prepare(`select rowid, distance from ${r.tbl} where embedding match ? and k = ? order by distance`)
        .all(toBlob(query), k) as Array<{ rowid: number; distance: number }>;
      return rows.map((x) => ({ rowid: x.rowid, similarity: 1 - x.distance }));
    }
    const ram = this.matrix(r);
    return ram.search(query, k, engine === 'js' ? 'js' : engine === 'usearch' ? 'usearch' : undefined);
  }

  /** Would this model's matrix stay within the RAM budget? */
  private fitsInRam(r: IndexRow): boolean {
    const warm = this.caches.get(`${r.kind}:${r.model_id}`);
    const n = warm
      ? warm.n
      : (this.db.prepare(`select count(*) from ${SOURCE[r.kind].table} where model_id = ?`).pluck().get(r.model_id) as number);
    return n * r.dim * 4 <= this.ramBudgetBytes;
  }

  /** The model's RAM matrix, built from its rows on first use; dropped when another connection writes. */
  private matrix(r: IndexRow): RamMatrix {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.dataVersion) {
      this.caches.clear();
      this.dataVersion = version;
    }
    const key = `${r.kind}:${r.model_id}`;
    let m = this.caches.get(key);
    if (!m) {
      const src = SOURCE[r.kind];
      const count = this.db.prepare(`select count(*) from ${src.table} where model_id = ?`).pluck().get(r.model_id) as number;
      m = new RamMatrix(r.dim, Math.max(64, count));
      for (const [id, blob] of this.db
        .prepare(`select id, ${src.column} from ${src.table} where model_id = ? order by id`)
        .raw()
        .iterate(r.model_id) as IterableIterator<[number, Buffer]>) {
        m.add(id, blob);
      }
      this.caches.set(key, m);
    }
    return m;
  }

  /** After a rolled-back transaction: RAM matrices may hold rows that were never committed. */
  invalidate(): void {
    this.caches.clear();
  }

  /** Bytes held by warm RAM matrices, per `kind:model`. */
  ramUsage(): Record<string, number> {
    return Object.fromEntries([...this.caches].map(([k, m]) => [k, m.bytes]));
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
