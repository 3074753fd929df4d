import { z } from 'zod';
import { MnemoError } from '../config/errors.js';
import { nameKey } from './names.js';
import { toEncounter } from './repos/encounters.js';
import { toNote } from './repos/notes.js';
import { toPerson } from './repos/people.js';
import { DEFAULT_PROFILE } from './repos/small.js';
import { lastId, type Store } from './store.js';
import type { Actor, MemoryExport, Profile } from './types.js';
import { checkVector, fromBlob, toBlob } from './vectors.js';

/*
 * The open JSON export (format "mnemo-memory", version 1): people with their samples'
 * metadata, encounters and notes, the notes about no one, the profile. Embeddings
 * (plain number arrays) and thumbnails (base64 JPEG) only when asked for: they are
 * biometric data. Import validates the whole file before writing anything, then
 * writes it in one transaction; a person whose name already exists gets the rows added.
 */

const sampleSchema = z.object({
  id: z.number(),
  modelId: z.string().min(1),
  dim: z.number().int().positive(),
  quality: z.number().min(0).max(1),
  capturedAt: z.number(),
  embedding: z.array(z.number()).optional(),
  thumbnail: z.string().optional(),
});
const encounterSchema = z.object({
  id: z.number(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  place: z.string().nullable(),
  context: z.string().nullable(),
  source: z.enum(['face', 'voice', 'phone']),
});
const noteSchema = z.object({ id: z.number(), text: z.string().min(1), utteranceId: z.number().nullable(), createdAt: z.number() });
const exportSchema = z.object({
  format: z.literal('mnemo-memory'),
  version: z.literal(1),
  exportedAt: z.number(),
  profile: z.record(z.string(), z.unknown()),
  people: z.array(
    z.object({
      id: z.number(),
      name: z.string().min(1),
      pronunciation: z.string().nullable(),
      createdAt: z.number(),
      updatedAt: z.number(),
      samples: z.array(sampleSchema),
      encounters: z.array(encounterSchema),
      notes: z.array(noteSchema),
    }),
  ),
  notes: z.array(noteSchema.extend({ personId: z.number().nullable() })),
});

export function buildExport(s: Store, profile: Profile, opts: { withEmbeddings?: boolean; withThumbnails?: boolean } = {}): MemoryExport {
  const db = s.db;
  const samples = db.prepare('select * from face_samples where person_id = ? order by id');
  const encounters = db.prepare('select * from encounters where person_id = ? order by started_at, id');
  const notes = db.prepare('select * from notes where person_id = ? order by created_at, id');
  type Row = Record<string, unknown>;
  const people = (db.prepare('select * from people order by id').all() as Parameters<typeof toPerson>[0][]).map((p) => ({
    ...toPerson(p),
    samples: (samples.all(p.id) as Row[]).map((r) => ({
      id: r.id as number,
      modelId: r.model_id as string,
      dim: r.dim as number,
      quality: r.quality as number,
      capturedAt: r.captured_at as number,
      ...(opts.withEmbeddings ? { embedding: Array.from(fromBlob(r.embedding as Buffer)) } : {}),
      ...(opts.withThumbnails && r.thumbnail ? { thumbnail: (r.thumbnail as Buffer).toString('base64') } : {}),
    })),
    encounters: (encounters.all(p.id) as Parameters<typeof toEncounter>[0][]).map((r) => {
      const { personId: _, ...e } = toEncounter(r);
      return e;
    }),
    notes: (notes.all(p.id) as Parameters<typeof toNote>[0][]).map((r) => {
      const { personId: _, ...n } = toNote(r);
      return n;
    }),
  }));
  const loose = (
    db.prepare('select * from notes where person_id is null order by created_at, id').all() as Parameters<typeof toNote>[0][]
  ).map(toNote);
  return { format: 'mnemo-memory', version: 1, exportedAt: s.now(), profile, people, notes: loose };
}

export function parseExport(data: unknown): MemoryExport {
  const r = exportSchema.safeParse(data);
  if (!r.success) {
    const where = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MnemoError('invalid-argument', `not a mnemo memory export: ${where.join('; ')}`, { details: { issues: r.error.issues } });
  }
  for (const p of r.data.people) {
    for (const x of p.samples) {
      if (x.embedding && x.embedding.length !== x.dim)
        throw new MnemoError('invalid-argument', `sample ${x.id} of ${p.name}: embedding is not ${x.dim}-d`);
    }
  }
  return r.data as unknown as MemoryExport;
}

export function importExport(
  s: Store,
  data: unknown,
  actor: Actor,
  setProfile: (p: Partial<Profile>) => void,
): { people: number; notes: number; skippedSamples: number } {
  const x = parseExport(data);
  return s.write(() => {
    const db = s.db;
    const now = s.now();
    const findPerson = db.prepare('select id from people where name_key = ?').pluck();
    const insPerson = db.prepare('insert into people (name, name_key, pronunciation, created_at, updated_at) values (?, ?, ?, ?, ?)');
    const insSample = db.prepare(
      'insert into face_samples (person_id, model_id, dim, embedding, quality, thumbnail, captured_at) values (?, ?, ?, ?, ?, ?, ?)',
    );
    const insEncounter = db.prepare(
      'insert into encounters (person_id, started_at, ended_at, place, context, source) values (?, ?, ?, ?, ?, ?)',
    );
    const insNote = db.prepare('insert into notes (person_id, text, created_at) values (?, ?, ?)');
    let notes = 0;
    let skippedSamples = 0;
    const personIds: number[] = [];
    for (const p of x.people) {
      const existing = findPerson.all(nameKey(p.name)) as number[];
      const id =
        existing.length === 1
          ? (existing[0] as number)
          : lastId(insPerson.run(p.name, nameKey(p.name), p.pronunciation, p.createdAt, p.updatedAt ?? now));
      personIds.push(id);
      for (const sm of p.samples) {
        if (!sm.embedding) {
          skippedSamples++;
          continue;
        }
        const v = Float32Array.from(sm.embedding);
        checkVector(v, `embedding of sample ${sm.id}`);
        const thumb = sm.thumbnail ? Buffer.from(sm.thumbnail, 'base64') : null;
        const sid = lastId(insSample.run(id, sm.modelId, v.length, toBlob(v), sm.quality, thumb, sm.capturedAt));
        s.index.insert('face', sm.modelId, sid, v);
      }
      for (const e of p.encounters) insEncounter.run(id, e.startedAt, e.endedAt, e.place, e.context, e.source);
      for (const n of p.notes) {
        insNote.run(id, n.text, n.createdAt);
        notes++;
      }
    }
    for (const n of x.notes) {
      insNote.run(null, n.text, n.createdAt);
      notes++;
    }
    setProfile({ ...DEFAULT_PROFILE, ...(x.profile as Partial<Profile>) });
    s.audit(actor, 'import', 'people', personIds);
    return { people: x.people.length, notes, skippedSamples };
  });
}
