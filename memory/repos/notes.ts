import { MnemoError } from '../../config/errors.js';
import { lastId, type Store } from '../store.js';
import type { Actor, Note, NotesRepo, SearchHit } from '../types.js';

interface NoteRow {
  id: number;
  person_id: number | null;
  text: string;
  utterance_id: number | null;
  created_at: number;
}

export function toNote(r: NoteRow): Note {
  return { id: r.id, personId: r.person_id, text: r.text, utteranceId: r.utterance_id, createdAt: r.created_at };
}

/**
 * A free-text question as an FTS5 query: each word a quoted term (so punctuation and
 * FTS syntax in what the wearer said cannot break the query), any of them matching,
 * ranked by bm25. Common question words are dropped so "where did I meet Bob" ranks
 * on "meet" and "bob".
 */
const STOP = new Set(
  'a an and are at did do does for from how i in is it me meet met my of on or the this to was what when where who whom why with you'.split(
    ' ',
  ),
);

export function ftsQuery(text: string): string | undefined {
  const words = text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  const kept = words.filter((w) => !STOP.has(w));
  const terms = [...new Set(kept.length ? kept : words)];
  return terms.length ? terms.map((w) => `"${w}"`).join(' OR ') : undefined;
}

export class NotesStore implements NotesRepo {
  constructor(private readonly s: Store) {}

  add(input: { personId: number | null; text: string; utteranceId?: number | null; actor?: Actor }): Note {
    const text = input.text.trim();
    if (!text) throw new MnemoError('invalid-argument', 'a note needs some text');
    return this.s.write(() => {
      const id = lastId(
        this.s.db
          .prepare('insert into notes (person_id, text, utterance_id, created_at) values (?, ?, ?, ?)')
          .run(input.personId, text, input.utteranceId ?? null, this.s.now()),
      );
      this.s.audit(input.actor ?? 'device', 'add', 'notes', [id]);
      return this.require(id);
    });
  }

  edit(id: number, text: string, actor: Actor = 'device'): Note {
    const clean = text.trim();
    if (!clean) throw new MnemoError('invalid-argument', 'a note needs some text');
    return this.s.write(() => {
      this.require(id);
      this.s.db.prepare('update notes set text = ? where id = ?').run(clean, id);
      this.s.audit(actor, 'edit', 'notes', [id]);
      return this.require(id);
    });
  }

  remove(id: number, actor: Actor = 'device'): void {
    this.s.write(() => {
      this.require(id);
      this.s.removeTextVectors([`note:${id}`]);
      this.s.db.prepare('delete from notes where id = ?').run(id);
      this.s.audit(actor, 'remove', 'notes', [id]);
    });
  }

  get(id: number): Note | undefined {
    return this.s.read(() => {
      const r = this.s.db.prepare('select * from notes where id = ?').get(id) as NoteRow | undefined;
      return r && toNote(r);
    });
  }

  forPerson(personId: number): Note[] {
    return this.s.read(() =>
      (this.s.db.prepare('select * from notes where person_id = ? order by created_at desc, id desc').all(personId) as NoteRow[]).map(
        toNote,
      ),
    );
  }

  search(query: string, limit = 10): SearchHit[] {
    const q = ftsQuery(query);
    if (!q) return [];
    return this.s.read(() =>
      (
        this.s.db
          .prepare('select kind, ref_id, person_id, body, bm25(search) as rank from search where search match ? order by rank limit ?')
          .all(q, limit) as Array<{ kind: 'note' | 'encounter'; ref_id: number; person_id: number | null; body: string; rank: number }>
      ).map((r) => ({
        memoryId: `${r.kind}:${r.ref_id}` as const,
        kind: r.kind,
        id: r.ref_id,
        personId: r.person_id,
        text: r.body,
        score: -r.rank,
      })),
    );
  }

  private require(id: number): Note {
    const n = this.get(id);
    if (!n) throw new MnemoError('memory-not-found', `no note ${id}`, { details: { id } });
    return n;
  }
}
