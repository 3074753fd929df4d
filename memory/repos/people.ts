import { MnemoError } from '../../config/errors.js';
import { nameKey } from '../names.js';
import { lastId, type Store } from '../store.js';
import type { Actor, PeopleRepo, Person, PersonSummary } from '../types.js';
import type { EncountersStore } from './encounters.js';
import type { FacesStore } from './faces.js';
import { forgetPerson } from './forget.js';
import type { NotesStore } from './notes.js';

interface PersonRow {
  id: number;
  name: string;
  pronunciation: string | null;
  created_at: number;
  updated_at: number;
}

export function toPerson(r: PersonRow): Person {
  return { id: r.id, name: r.name, pronunciation: r.pronunciation, createdAt: r.created_at, updatedAt: r.updated_at };
}

function cleanName(name: string): string {
  const n = name.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!n) throw new MnemoError('invalid-argument', 'a person needs a non-empty name');
  if (n.length > 200) throw new MnemoError('invalid-argument', 'a name is at most 200 characters');
  return n;
}

export class PeopleStore implements PeopleRepo {
  constructor(
    private readonly s: Store,
    private readonly faces: FacesStore,
    private readonly encounters: EncountersStore,
    private readonly notes: NotesStore,
    private readonly onForget: (name: string) => void,
  ) {}

  create(name: string, opts: { pronunciation?: string; actor?: Actor } = {}): Person {
    const clean = cleanName(name);
    return this.s.write(() => {
      const now = this.s.now();
      const id = lastId(
        this.s.db
          .prepare('insert into people (name, name_key, pronunciation, created_at, updated_at) values (?, ?, ?, ?, ?)')
          .run(clean, nameKey(clean), opts.pronunciation ?? null, now, now),
      );
      this.s.audit(opts.actor ?? 'device', 'create', 'people', [id]);
      return this.require(id);
    });
  }

  enroll(input: Parameters<PeopleRepo['enroll']>[0]): ReturnType<PeopleRepo['enroll']> {
    const actor = input.actor ?? 'device';
    return this.s.write(() => {
      const person = this.create(input.name, { actor });
      const sampleIds = input.samples.length ? this.faces.add(person.id, input.samples, actor) : [];
      const encounterId = input.encounter
        ? this.encounters.start(person.id, { ...input.encounter, at: input.encounter.startedAt, actor }).id
        : null;
      const noteId = input.note ? this.notes.add({ personId: person.id, text: input.note, actor }).id : null;
      return { person, sampleIds, encounterId, noteId };
    });
  }

  rename(id: number, name: string, actor: Actor = 'device'): Person {
    const clean = cleanName(name);
    return this.s.write(() => {
      this.require(id);
      this.s.db
        .prepare('update people set name = ?, name_key = ?, updated_at = ? where id = ?')
        .run(clean, nameKey(clean), this.s.now(), id);
      this.s.audit(actor, 'rename', 'people', [id]);
      return this.require(id);
    });
  }

  merge(keepId: number, dropId: number, actor: Actor = 'device'): Person {
    if (keepId === dropId) throw new MnemoError('invalid-argument', 'cannot merge a person with themself');
    return this.s.write(() => {
      this.require(keepId);
      this.require(dropId);
      const db = this.s.db;
      const now = this.s.now();
      db.prepare('update face_samples set person_id = ? where person_id = ?').run(keepId, dropId);
      db.prepare('update encounters set person_id = ? where person_id = ?').run(keepId, dropId);
      db.prepare('update notes set person_id = ? where person_id = ?').run(keepId, dropId);
      // Grounding ids that cited the dropped person now cite the kept one.
      db.prepare("update text_vectors set memory_id = 'person:' || ? where memory_id = 'person:' || ?").run(keepId, dropId);
      db.prepare('delete from people where id = ?').run(dropId);
      db.prepare('update people set updated_at = ? where id = ?').run(now, keepId);
      this.s.audit(actor, 'merge', 'people', [keepId, dropId]);
      return this.require(keepId);
    });
  }

  forget(id: number, actor: Actor = 'device'): void {
    const name = this.s.read(() => this.require(id).name);
    forgetPerson(this.s, this.faces, id, actor);
    this.onForget(name);
  }

  list(): PersonSummary[] {
    return this.s.read(() => {
      const rows = this.s.db
        .prepare(
          `select p.*,
             (select count(*) from face_samples f where f.person_id = p.id) as samples,
             (select count(*) from encounters e where e.person_id = p.id) as encounters,
             (select count(*) from notes n where n.person_id = p.id) as notes,
             (select max(coalesce(e.ended_at, e.started_at)) from encounters e where e.person_id = p.id) as last_seen
           from people p order by p.name_key, p.id`,
        )
        .all() as Array<PersonRow & { samples: number; encounters: number; notes: number; last_seen: number | null }>;
      return rows.map((r) => ({ ...toPerson(r), samples: r.samples, encounters: r.encounters, notes: r.notes, lastSeen: r.last_seen }));
    });
  }

  get(id: number): Person | undefined {
    return this.s.read(() => {
      const r = this.s.db.prepare('select * from people where id = ?').get(id) as PersonRow | undefined;
      return r && toPerson(r);
    });
  }

  findByName(name: string): Person | undefined {
    const key = nameKey(name);
    if (!key) return undefined;
    return this.s.read(() => {
      const exact = this.s.db.prepare('select * from people where name_key = ? order by id').all(key) as PersonRow[];
      if (exact.length === 1) return toPerson(exact[0] as PersonRow);
      if (exact.length > 1) return undefined; // two people with one name: ambiguous, never a guess
      if (key.includes(' ')) return undefined;
      const first = this.s.db
        .prepare("select * from people where name_key like ? escape '\\' order by id limit 2")
        .all(`${key.replace(/[\\%_]/g, '\\$&')} %`) as PersonRow[];
      return first.length === 1 ? toPerson(first[0] as PersonRow) : undefined;
    });
  }

  require(id: number): Person {
    const p = this.get(id);
    if (!p) throw new MnemoError('memory-not-found', `no person ${id}`, { details: { id } });
    return p;
  }
}
