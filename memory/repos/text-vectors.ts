import { MnemoError } from '../../config/errors.js';
import type { Store } from '../store.js';
import type { MemoryId, TextVector, TextVectorsRepo } from '../types.js';
import { checkVector, toBlob } from '../vectors.js';

const ID = /^(person|note|encounter|sample|utterance):([1-9][0-9]*)$/;

export function parseMemoryId(id: string): { kind: string; id: number } | undefined {
  const m = ID.exec(id);
  return m ? { kind: m[1] as string, id: Number(m[2]) } : undefined;
}

/** Sentence embeddings of notes and encounters, kept per model id next to their rows. */
export class TextVectorsStore implements TextVectorsRepo {
  constructor(
    private readonly s: Store,
    private readonly exists: (id: string) => boolean,
  ) {}

  upsert(memoryId: MemoryId, modelId: string, vector: Float32Array): void {
    if (!this.exists(memoryId)) throw new MnemoError('memory-not-found', `no ${memoryId}`, { details: { memoryId } });
    checkVector(vector, `text vector of ${modelId}`);
    this.s.write(() => {
      const old = this.s.db.prepare('select id from text_vectors where memory_id = ? and model_id = ?').pluck().get(memoryId, modelId) as
        | number
        | undefined;
      if (old !== undefined) {
        this.s.index.remove('text', modelId, [old]);
        this.s.db.prepare('delete from text_vectors where id = ?').run(old);
      }
      const info = this.s.db
        .prepare('insert into text_vectors (memory_id, model_id, dim, vector) values (?, ?, ?, ?)')
        .run(memoryId, modelId, vector.length, toBlob(vector));
      this.s.index.insert('text', modelId, Number(info.lastInsertRowid), vector);
      this.s.audit('device', 'upsert', 'text_vectors', [Number(info.lastInsertRowid)]);
    });
  }

  nearest(vector: Float32Array, modelId: string, k: number): TextVector[] {
    return this.s.read(() => {
      const hits = this.s.index.nearest('text', modelId, vector, k);
      const mid = this.s.db.prepare('select memory_id from text_vectors where id = ?').pluck();
      return hits.flatMap((h) => {
        const memoryId = mid.get(h.rowid) as MemoryId | undefined;
        return memoryId ? [{ memoryId, similarity: h.similarity }] : [];
      });
    });
  }

  missing(modelId: string, limit = 100): MemoryId[] {
    return this.s.read(
      () =>
        this.s.db
          .prepare(
            `select m from (
               select 'note:' || id as m, created_at as t from notes
               union all select 'encounter:' || id, started_at from encounters
             ) where m not in (select memory_id from text_vectors where model_id = ?) order by t, m limit ?`,
          )
          .pluck()
          .all(modelId, limit) as MemoryId[],
    );
  }
}
