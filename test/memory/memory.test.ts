import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { SCHEMA_VERSION } from '../../memory/index.js';
import { cosine, fakeClock, open, randomVector, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('memory store', () => {
  it('creates a WAL file with the durable and private pragmas and the schema version', () => {
    const m = open(tmp.file());
    expect(m.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(m.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(m.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(m.db.pragma('secure_delete', { simple: true })).toBe(1);
    expect(m.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    m.close();
    expect(readFileSync(m.path).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\u0000');
  });

  it('enrolls a person with samples, an encounter and a note in one go, and lists a summary', () => {
    const clock = fakeClock();
    const m = open(tmp.file(), { clock });
    const r = m.people.enroll({
      name: 'Ana Lima',
      samples: [1, 2, 3].map((i) => ({
        modelId: 'dlib-128',
        embedding: randomVector(128, i),
        quality: 0.8,
        thumbnail: Buffer.from([0xff, 0xd8, i]),
      })),
      encounter: { place: 'robotics meetup', context: 'works on drones', source: 'face' },
      note: 'her daughter is Mia',
    });
    expect(r.sampleIds).toHaveLength(3);
    expect(m.faces.forPerson(r.person.id).map((s) => s.dim)).toEqual([128, 128, 128]);
    expect(m.faces.thumbnail(r.person.id)?.[2]).toBe(1);
    const [sum] = m.people.list();
    expect(sum).toMatchObject({ name: 'Ana Lima', samples: 3, encounters: 1, notes: 1, lastSeen: clock.now() });
    expect(m.exists(`note:${r.noteId}`)).toBe(true);
    expect(m.exists(`person:${r.person.id}`)).toBe(true);
    expect(m.exists('note:99999')).toBe(false);
    expect(m.exists('bogus:1')).toBe(false);
    const actions = m.audit.list().map((a) => `${a.action} ${a.table}`);
    expect(actions).toEqual(expect.arrayContaining(['create people', 'add face_samples', 'start encounters', 'add notes']));
    m.close();
  });

  it('rolls a whole enrollment back when one sample is bad', () => {
    const m = open(tmp.file());
    expect(() =>
      m.people.enroll({
        name: 'Half Written',
        samples: [
          { modelId: 'dlib-128', embedding: randomVector(128, 1), quality: 0.9 },
          { modelId: 'dlib-128', embedding: randomVector(64, 2), quality: 0.9 },
        ],
      }),
    ).toThrow(/128-d/);
    expect(m.people.list()).toEqual([]);
    expect(m.stats().faceSamples).toBe(0);
    m.close();
  });

  it('matches names case- and accent-insensitively, and by a unique first name', () => {
    const m = open(tmp.file());
    const jose = m.people.create('José Álvarez');
    const bob = m.people.create('Bob Stone');
    m.people.create('Zoë Kim');
    m.people.create('Zoe Park');
    expect(m.people.findByName('jose alvarez')?.id).toBe(jose.id);
    expect(m.people.findByName('  JOSÉ   ÁLVAREZ ')?.id).toBe(jose.id);
    expect(m.people.findByName('jose')?.id).toBe(jose.id);
    expect(m.people.findByName('bob')?.id).toBe(bob.id);
    expect(m.people.findByName('zoe')).toBeUndefined(); // two Zoes: ambiguous
    expect(m.people.findByName('Bob Smith')).toBeUndefined();
    expect(m.people.findByName('%')).toBeUndefined();
    m.people.rename(bob.id, 'Robert Stone');
    expect(m.people.findByName('bob')).toBeUndefined();
    expect(m.people.findByName('robert stone')?.id).toBe(bob.id);
    m.close();
  });

  it('merges samples, encounters and notes into the kept person', () => {
    const m = open(tmp.file());
    const a = m.people.enroll({
      name: 'Tom',
      samples: [{ modelId: 'dlib-128', embedding: randomVector(128, 10), quality: 0.5 }],
      note: 'runs the bakery',
    });
    const b = m.people.enroll({
      name: 'Tom Baker',
      samples: [{ modelId: 'dlib-128', embedding: randomVector(128, 11), quality: 0.5 }],
      encounter: { source: 'voice', place: 'market' },
      note: 'likes rye',
    });
    m.people.merge(a.person.id, b.person.id);
    expect(m.people.get(b.person.id)).toBeUndefined();
    expect(m.faces.forPerson(a.person.id)).toHaveLength(2);
    expect(m.encounters.forPerson(a.person.id)).toHaveLength(1);
    expect(
      m.notes
        .forPerson(a.person.id)
        .map((n) => n.text)
        .sort(),
    ).toEqual(['likes rye', 'runs the bakery']);
    const hit = m.faces.nearest(randomVector(128, 11), 'dlib-128', 1)[0];
    expect(hit).toMatchObject({ sampleId: b.sampleIds[0], personId: a.person.id });
    expect(m.notes.search('rye')[0]?.personId).toBe(a.person.id);
    m.close();
  });

  it('finds the same nearest samples as a brute-force cosine, per model id only', () => {
    const m = open(tmp.file());
    expect(m.stats().vectorSearch).toBe('sqlite-vec');
    const stored: Array<{ id: number; v: Float32Array }> = [];
    for (let p = 0; p < 40; p++) {
      const samples = [0, 1, 2].map((j) => ({ modelId: 'dlib-128', embedding: randomVector(128, 1000 + p * 3 + j), quality: 0.7 }));
      const r = m.people.enroll({
        name: `Person ${p}`,
        samples: [...samples, { modelId: 'fr-512', embedding: randomVector(512, p), quality: 0.7 }],
      });
      r.sampleIds.slice(0, 3).forEach((id, j) => void stored.push({ id, v: samples[j]?.embedding as Float32Array }));
    }
    for (let q = 0; q < 5; q++) {
      const query = randomVector(128, 5000 + q);
      const expected = stored
        .map((s) => ({ id: s.id, sim: cosine(query, s.v) }))
        .sort((x, y) => y.sim - x.sim)
        .slice(0, 5);
      for (const engine of ['auto', 'sqlite-vec', 'usearch', 'js'] as const) {
        const got = m.faces.nearestWith(engine, query, 'dlib-128', 5);
        expect(
          got.map((h) => h.sampleId),
          engine,
        ).toEqual(expected.map((e) => e.id));
        for (const [i, h] of got.entries()) expect(h.similarity).toBeCloseTo(expected[i]?.sim as number, 5);
      }
    }
    expect(m.faces.nearest(randomVector(512, 3), 'fr-512', 1)[0]?.similarity).toBeCloseTo(1, 5);
    expect(m.faces.nearest(randomVector(128, 1), 'other-model', 3)).toEqual([]);
    expect(() => m.faces.nearest(randomVector(64, 1), 'dlib-128', 3)).toThrow(/128-d/);
    m.close();
  });

  it('keeps the in-RAM matrix in step with adds, removes, rollbacks and other connections', () => {
    const path = tmp.file();
    const m = open(path);
    const p = m.people.create('Ram');
    const [a, b] = m.faces.add(
      p.id,
      [1, 2].map((i) => ({ modelId: 'dlib-128', embedding: randomVector(128, i), quality: 1 })),
    );
    const top = (seed: number) => m.faces.nearestWith('usearch', randomVector(128, seed), 'dlib-128', 1)[0]?.sampleId;
    expect(top(2)).toBe(b); // warms the matrix
    const [c] = m.faces.add(p.id, [{ modelId: 'dlib-128', embedding: randomVector(128, 3), quality: 1 }]);
    expect(top(3)).toBe(c);
    m.faces.remove([c as number]);
    expect(top(3)).not.toBe(c);
    expect(m.faces.nearestWith('usearch', randomVector(128, 3), 'dlib-128', 5)).toHaveLength(2);
    // A rolled-back enrollment must not leave its vector behind (its row id would be reused).
    expect(() =>
      m.people.enroll({
        name: 'Never',
        samples: [
          { modelId: 'dlib-128', embedding: randomVector(128, 50), quality: 1 },
          { modelId: 'dlib-128', embedding: randomVector(64, 1), quality: 1 },
        ],
      }),
    ).toThrow();
    // The never-committed vector is not there: nothing matches it exactly.
    expect(m.faces.nearestWith('usearch', randomVector(128, 50), 'dlib-128', 1)[0]?.similarity).toBeLessThan(0.9);
    const [d] = m.faces.add(p.id, [{ modelId: 'dlib-128', embedding: randomVector(128, 60), quality: 1 }]);
    expect(m.faces.nearestWith('usearch', randomVector(128, 60), 'dlib-128', 1)[0]).toMatchObject({ sampleId: d });
    expect(m.faces.nearestWith('usearch', randomVector(128, 60), 'dlib-128', 1)[0]?.similarity).toBeCloseTo(1, 5);
    // Another connection's write is seen.
    const other = open(path);
    const [e] = other.faces.add(p.id, [{ modelId: 'dlib-128', embedding: randomVector(128, 70), quality: 1 }]);
    other.close();
    expect(top(70)).toBe(e);
    expect(top(1)).toBe(a);
    m.close();
  });

  it('answers from RAM within memory.vectorRamMB and from sqlite-vec beyond it, the same either way', () => {
    const m = open(tmp.file(), { vectorRamMB: (3 * 128 * 4) / 2 ** 20 }); // room for 3 vectors
    const p = m.people.create('Budget');
    m.faces.add(
      p.id,
      [1, 2].map((i) => ({ modelId: 'dlib-128', embedding: randomVector(128, i), quality: 1 })),
    );
    const before = m.faces.nearest(randomVector(128, 2), 'dlib-128', 2);
    expect(m.stats().vectorRamBytes).toBe(2 * 128 * 4);
    m.faces.add(
      p.id,
      [3, 4].map((i) => ({ modelId: 'dlib-128', embedding: randomVector(128, i), quality: 1 })),
    );
    expect(m.stats().vectorRamBytes).toBe(0);
    const after = m.faces.nearest(randomVector(128, 2), 'dlib-128', 2);
    expect(after[0]?.sampleId).toBe(before[0]?.sampleId);
    expect(after.map((h) => h.sampleId)).toEqual(m.faces.nearestWith('js', randomVector(128, 2), 'dlib-128', 2).map((h) => h.sampleId));
    m.close();
  });

  it('falls back to brute force when sqlite-vec is unavailable, with the same answers', () => {
    const path = tmp.file();
    const m = open(path);
    const p = m.people.enroll({
      name: 'Vec',
      samples: [1, 2, 3, 4].map((i) => ({ modelId: 'dlib-128', embedding: randomVector(128, i), quality: 1 })),
    });
    const query = randomVector(128, 3);
    const withVec = m.faces.nearest(query, 'dlib-128', 2);
    m.close();
    const f = open(path, { disableSqliteVec: true });
    expect(f.stats().vectorSearch).toBe('brute-force');
    expect(f.faces.nearest(query, 'dlib-128', 2).map((h) => h.sampleId)).toEqual(withVec.map((h) => h.sampleId));
    const added = f.faces.add(p.person.id, [{ modelId: 'dlib-128', embedding: randomVector(128, 77), quality: 1 }]);
    f.close();
    // Back with sqlite-vec: the index is rebuilt from the rows written without it.
    const v = open(path);
    expect(v.faces.nearest(randomVector(128, 77), 'dlib-128', 1)[0]?.sampleId).toBe(added[0]);
    v.close();
  });

  it('searches notes, encounter context, place labels and names with FTS5', () => {
    const m = open(tmp.file());
    const bob = m.people.enroll({
      name: 'Bob Marley',
      samples: [],
      encounter: { source: 'face', place: 'Café Central', context: 'talked about reggae' },
    });
    m.people.enroll({ name: 'Ana', samples: [], note: 'works on drones at the lab' });
    expect(m.notes.search('where did I meet Bob?')[0]).toMatchObject({ kind: 'encounter', personId: bob.person.id, id: bob.encounterId });
    expect(m.notes.search('cafe')[0]?.memoryId).toBe(`encounter:${bob.encounterId}`);
    expect(m.notes.search('drones')[0]?.text).toBe('works on drones at the lab');
    expect(m.notes.search('"unbalanced AND (')).toEqual([]);
    expect(m.notes.search('')).toEqual([]);
    m.close();
  });

  it('refuses a file from a newer mnemo and leaves it untouched', () => {
    const path = tmp.file();
    open(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = readFileSync(path);
    let err: unknown;
    try {
      open(path);
    } catch (e) {
      err = e;
    }
    expect(isMnemoError(err, 'memory-newer-version')).toBe(true);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('keeps the profile and paired phones', () => {
    const m = open(tmp.file());
    expect(m.profile.get()).toMatchObject({ name: null, language: 'en', length: 'normal' });
    m.profile.set({ name: 'Sam', interests: ['robots'] });
    expect(m.profile.set({ length: 'short' })).toMatchObject({ name: 'Sam', interests: ['robots'], length: 'short' });
    const ph = m.phones.add({ name: 'pixel', userAgent: 'ua', tokenHash: 'h1' });
    expect(m.phones.findByTokenHash('h1')?.id).toBe(ph.id);
    m.phones.touch(ph.id, 5);
    expect(m.phones.list()[0]?.lastSeenAt).toBe(5);
    expect(m.phones.revokeAll()).toBe(1);
    expect(m.phones.findByTokenHash('h1')).toBeUndefined();
    const fb = m.feedback.add({ question: 'q', answer: 'a', correction: null, memoryIds: ['note:1'] });
    expect(m.feedback.list()[0]).toEqual(fb);
    m.close();
  });

  it('stores text vectors per model and lists what is missing', () => {
    const m = open(tmp.file());
    const n1 = m.notes.add({ personId: null, text: 'one' });
    const n2 = m.notes.add({ personId: null, text: 'two' });
    expect(m.textVectors.missing('minilm')).toEqual([`note:${n1.id}`, `note:${n2.id}`]);
    m.textVectors.upsert(`note:${n1.id}`, 'minilm', randomVector(384, 1));
    m.textVectors.upsert(`note:${n2.id}`, 'minilm', randomVector(384, 2));
    m.textVectors.upsert(`note:${n2.id}`, 'minilm', randomVector(384, 3));
    expect(m.textVectors.missing('minilm')).toEqual([]);
    expect(m.textVectors.nearest(randomVector(384, 3), 'minilm', 1)[0]?.memoryId).toBe(`note:${n2.id}`);
    expect(m.textVectors.nearest(randomVector(384, 3), 'minilm', 5)).toHaveLength(2);
    m.notes.remove(n2.id);
    expect(m.textVectors.nearest(randomVector(384, 3), 'minilm', 5).map((t) => t.memoryId)).toEqual([`note:${n1.id}`]);
    expect(() => m.textVectors.upsert('note:999', 'minilm', randomVector(384, 1))).toThrow(/no note:999/);
    m.close();
  });
});
