import { MnemoError } from '../../config/errors.js';
import { lastId, type Store } from '../store.js';
import type { Actor, Encounter, EncounterSource, EncountersRepo } from '../types.js';

interface EncounterRow {
  id: number;
  person_id: number;
  started_at: number;
  ended_at: number | null;
  place: string | null;
  context: string | null;
  source: EncounterSource;
}

export function toEncounter(r: EncounterRow): Encounter {
  return {
    id: r.id,
    personId: r.person_id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    place: r.place,
    context: r.context,
    source: r.source,
  };
}

const SOURCES: readonly EncounterSource[] = ['face', 'voice', 'phone'];

export class EncountersStore implements EncountersRepo {
  constructor(private readonly s: Store) {}

  start(personId: number, opts: { source: EncounterSource; place?: string; context?: string; at?: number; actor?: Actor }): Encounter {
    if (!SOURCES.includes(opts.source)) throw new MnemoError('invalid-argument', `encounter source must be one of ${SOURCES.join(', ')}`);
    return this.s.write(() => {
      const id = lastId(
        this.s.db
          .prepare('insert into encounters (person_id, started_at, place, context, source) values (?, ?, ?, ?, ?)')
          .run(personId, opts.at ?? this.s.now(), opts.place ?? null, opts.context ?? null, opts.source),
      );
      this.s.audit(opts.actor ?? 'device', 'start', 'encounters', [id]);
      return this.require(id);
    });
  }

  end(id: number, at?: number): Encounter {
    return this.update(id, { endedAt: at ?? this.s.now() });
  }

  update(id: number, patch: { endedAt?: number; place?: string; context?: string }, actor: Actor = 'device'): Encounter {
    return this.s.write(() => {
      const e = this.require(id);
      this.s.db
        .prepare('update encounters set ended_at = ?, place = ?, context = ? where id = ?')
        .run(patch.endedAt ?? e.endedAt, patch.place ?? e.place, patch.context ?? e.context, id);
      this.s.audit(actor, 'update', 'encounters', [id]);
      return this.require(id);
    });
  }

  recent(limit = 20): Encounter[] {
    return this.s.read(() =>
      (this.s.db.prepare('select * from encounters order by started_at desc, id desc limit ?').all(limit) as EncounterRow[]).map(
        toEncounter,
      ),
    );
  }

  forPerson(personId: number): Encounter[] {
    return this.s.read(() =>
      (
        this.s.db.prepare('select * from encounters where person_id = ? order by started_at desc, id desc').all(personId) as EncounterRow[]
      ).map(toEncounter),
    );
  }

  get(id: number): Encounter | undefined {
    return this.s.read(() => {
      const r = this.s.db.prepare('select * from encounters where id = ?').get(id) as EncounterRow | undefined;
      return r && toEncounter(r);
    });
  }

  private require(id: number): Encounter {
    const e = this.get(id);
    if (!e) throw new MnemoError('memory-not-found', `no encounter ${id}`, { details: { id } });
    return e;
  }
}
