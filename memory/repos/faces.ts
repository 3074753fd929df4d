import { MnemoError } from '../../config/errors.js';
import { lastId, type Store } from '../store.js';
import type { Actor, FaceSample, FaceSampleInput, FacesRepo, NearestHit } from '../types.js';
import { checkVector, fromBlob, type SearchEngine, toBlob } from '../vectors.js';

interface SampleRow {
  id: number;
  person_id: number;
  model_id: string;
  dim: number;
  quality: number;
  captured_at: number;
  has_thumbnail: number;
}

const COLUMNS = 'id, person_id, model_id, dim, quality, captured_at, thumbnail is not null as has_thumbnail';

export function toSample(r: SampleRow): FaceSample {
  return {
    id: r.id,
    personId: r.person_id,
    modelId: r.model_id,
    dim: r.dim,
    quality: r.quality,
    capturedAt: r.captured_at,
    hasThumbnail: r.has_thumbnail === 1,
  };
}

export class FacesStore implements FacesRepo {
  constructor(private readonly s: Store) {}

  add(personId: number, samples: FaceSampleInput[], actor: Actor = 'device'): number[] {
    for (const x of samples) {
      if (!x.modelId) throw new MnemoError('invalid-argument', 'a face sample needs its embedding model id');
      checkVector(x.embedding, `embedding of ${x.modelId}`);
      if (!(x.quality >= 0 && x.quality <= 1)) throw new MnemoError('invalid-argument', `quality must be 0..1, got ${x.quality}`);
    }
    return this.s.write(() => {
      if (!this.s.db.prepare('select 1 from people where id = ?').get(personId)) {
        throw new MnemoError('memory-not-found', `no person ${personId}`, { details: { id: personId } });
      }
      const ins = this.s.db.prepare(
        'insert into face_samples (person_id, model_id, dim, embedding, quality, thumbnail, captured_at) values (?, ?, ?, ?, ?, ?, ?)',
      );
      const ids = samples.map((x) => {
        const id = lastId(
          ins.run(
            personId,
            x.modelId,
            x.embedding.length,
            toBlob(x.embedding),
            x.quality,
            x.thumbnail ?? null,
            x.capturedAt ?? this.s.now(),
          ),
        );
        this.s.index.insert('face', x.modelId, id, x.embedding);
        return id;
      });
      if (ids.length) this.s.audit(actor, 'add', 'face_samples', ids);
      return ids;
    });
  }

  nearest(embedding: Float32Array, modelId: string, k: number): NearestHit[] {
    return this.s.read(() => this.hits(this.s.index.nearest('face', modelId, embedding, k)));
  }

  /** With a chosen engine (the benchmark and the tests compare them). */
  nearestWith(engine: SearchEngine, embedding: Float32Array, modelId: string, k: number): NearestHit[] {
    return this.s.read(() => this.hits(this.s.index.nearest('face', modelId, embedding, k, engine)));
  }

  private hits(rows: Array<{ rowid: number; similarity: number }>): NearestHit[] {
    if (rows.length === 0) return [];
    const owner = this.s.db.prepare('select person_id from face_samples where id = ?').pluck();
    return rows.flatMap((r) => {
      const personId = owner.get(r.rowid) as number | undefined;
      return personId === undefined ? [] : [{ sampleId: r.rowid, personId, similarity: r.similarity }];
    });
  }

  forPerson(personId: number): FaceSample[] {
    return this.s.read(() =>
      (this.s.db.prepare(`select ${COLUMNS} from face_samples where person_id = ? order by id`).all(personId) as SampleRow[]).map(toSample),
    );
  }

  /** The thumbnail of the person's best-quality sample that has one. */
  thumbnail(personId: number): Buffer | undefined {
    return this.s.read(
      () =>
        this.s.db
          .prepare('select thumbnail from face_samples where person_id = ? and thumbnail is not null order by quality desc, id limit 1')
          .pluck()
          .get(personId) as Buffer | undefined,
    );
  }

  remove(sampleIds: number[], actor: Actor = 'device'): void {
    if (sampleIds.length === 0) return;
    this.s.write(() => {
      this.removeRows(sampleIds);
      this.s.audit(actor, 'remove', 'face_samples', sampleIds);
    });
  }

  /** Deletes sample rows and their index entries (inside the caller's transaction). */
  removeRows(sampleIds: number[]): void {
    const model = this.s.db.prepare('select model_id from face_samples where id = ?').pluck();
    const byModel = new Map<string, number[]>();
    for (const id of sampleIds) {
      const m = model.get(id) as string | undefined;
      if (m !== undefined) byModel.set(m, [...(byModel.get(m) ?? []), id]);
    }
    for (const [m, ids] of byModel) this.s.index.remove('face', m, ids);
    // Overwrite the blobs first: a deleted row's bytes can survive in a page that is not freed.
    const scrub = this.s.db.prepare('update face_samples set embedding = zeroblob(length(embedding)), thumbnail = null where id = ?');
    const del = this.s.db.prepare('delete from face_samples where id = ?');
    for (const id of sampleIds) {
      scrub.run(id);
      del.run(id);
    }
  }

  embeddings(personId: number, modelId: string): Array<{ sampleId: number; embedding: Float32Array }> {
    return this.s.read(() =>
      (
        this.s.db
          .prepare('select id, embedding from face_samples where person_id = ? and model_id = ? order by id')
          .all(personId, modelId) as Array<{
          id: number;
          embedding: Buffer;
        }>
      ).map((r) => ({ sampleId: r.id, embedding: fromBlob(r.embedding) })),
    );
  }
}
