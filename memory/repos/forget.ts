import { logger } from '../../config/log.js';
import { mentions, redact } from '../names.js';
import type { Store } from '../store.js';
import type { Actor } from '../types.js';
import type { FacesStore } from './faces.js';

const log = logger('mnemo:memory');

/*
 * Forgetting deletes every trace of a person in one transaction: face samples (vectors,
 * vec0 entries and thumbnails), encounters, notes, their text vectors and FTS rows, the
 * utterances those notes came from or that mention the person, feedback that cited them;
 * the name is redacted in whatever else is kept (other people's notes, encounter text). Audit rows never hold
 * names. Afterwards the FTS index is rewritten and the WAL checkpointed and truncated:
 * with secure_delete on, freed pages are zeroed, so the bytes are gone from the main
 * file and from the WAL.
 */
export function forgetPerson(s: Store, faces: FacesStore, id: number, actor: Actor): void {
  const db = s.db;
  s.write(() => {
    const p = db.prepare('select name, pronunciation from people where id = ?').get(id) as { name: string; pronunciation: string | null };
    const terms = [p.name, ...p.name.split(' '), ...(p.pronunciation ? [p.pronunciation] : [])];
    const ids = (sql: string) => db.prepare(sql).pluck().all(id) as number[];
    const sampleIds = ids('select id from face_samples where person_id = ?');
    const noteIds = ids('select id from notes where person_id = ?');
    const encounterIds = ids('select id from encounters where person_id = ?');
    const utteranceIds = ids('select utterance_id from notes where person_id = ? and utterance_id is not null');
    const cited = new Set([
      `person:${id}`,
      ...sampleIds.map((x) => `sample:${x}`),
      ...noteIds.map((x) => `note:${x}`),
      ...encounterIds.map((x) => `encounter:${x}`),
      ...utteranceIds.map((x) => `utterance:${x}`),
    ]);

    faces.removeRows(sampleIds);
    s.removeTextVectors([...cited]);
    db.prepare('delete from notes where person_id = ?').run(id);
    db.prepare('delete from encounters where person_id = ?').run(id);
    const delUtterance = db.prepare('delete from utterances where id = ?');
    for (const u of utteranceIds) delUtterance.run(u);
    db.prepare('delete from people where id = ?').run(id);

    const feedback = db.prepare('select id, question, answer, correction, memory_ids from feedback').all() as Array<{
      id: number;
      question: string;
      answer: string;
      correction: string | null;
      memory_ids: string;
    }>;
    const delFeedback = db.prepare('delete from feedback where id = ?');
    for (const f of feedback) {
      const cites = (JSON.parse(f.memory_ids) as string[]).some((m) => cited.has(m));
      if (cites || [f.question, f.answer, f.correction ?? ''].some((t) => mentions(t, terms))) delFeedback.run(f.id);
    }

    const redactColumn = (table: string, column: string) => {
      const upd = db.prepare(`update ${table} set ${column} = ? where id = ?`);
      for (const r of db.prepare(`select id, ${column} as t from ${table} where ${column} is not null`).all() as Array<{
        id: number;
        t: string;
      }>) {
        if (mentions(r.t, terms)) upd.run(redact(r.t, terms), r.id);
      }
    };
    // A transcript that mentions the person is about them ("this is Bob, he runs the bakery"):
    // redacting the name would keep the rest of what was said, so it is deleted.
    for (const u of db.prepare('select id, text from utterances').all() as Array<{ id: number; text: string }>) {
      if (mentions(u.text, terms)) delUtterance.run(u.id);
    }
    redactColumn('notes', 'text');
    redactColumn('encounters', 'context');
    redactColumn('encounters', 'place');
    s.audit(actor, 'forget', 'people', [id]);
  });
  s.read(() => {
    // Merge every FTS segment into one: no old segment keeps a deleted token.
    db.prepare("insert into search (search) values ('optimize')").run();
    const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (r?.busy) log.warn('forget: another connection kept the WAL from being truncated; it will be on its next checkpoint');
  });
}
