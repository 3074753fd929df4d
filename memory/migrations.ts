import type { Database } from 'better-sqlite3-multiple-ciphers';
import { MnemoError } from '../config/errors.js';

/*
 * Versioned schema. `user_version` holds the number of migrations applied; each
 * entry below is applied once, all pending ones in a single transaction, so a
 * crash mid-migration leaves the previous version intact. Never edit a shipped
 * migration: append a new one.
 */

const v1 = `
create table meta (key text primary key, value text not null) strict;

create table people (
  id integer primary key,
  name text not null,
  name_key text not null,
  pronunciation text,
  created_at integer not null,
  updated_at integer not null
) strict;
create index people_name_key on people (name_key);

create table face_samples (
  id integer primary key,
  person_id integer not null references people (id) on delete cascade,
  model_id text not null,
  dim integer not null,
  embedding blob not null,
  quality real not null,
  thumbnail blob,
  captured_at integer not null
) strict;
create index face_samples_person on face_samples (person_id);
create index face_samples_model on face_samples (model_id);

create table utterances (id integer primary key, text text not null, at integer not null) strict;
create index utterances_at on utterances (at);

create table encounters (
  id integer primary key,
  person_id integer not null references people (id) on delete cascade,
  started_at integer not null,
  ended_at integer,
  place text,
  context text,
  source text not null check (source in ('face', 'voice', 'phone'))
) strict;
create index encounters_person on encounters (person_id, started_at);
create index encounters_started on encounters (started_at);

create table notes (
  id integer primary key,
  person_id integer references people (id) on delete cascade,
  text text not null,
  utterance_id integer references utterances (id) on delete set null,
  created_at integer not null
) strict;
create index notes_person on notes (person_id);
create index notes_utterance on notes (utterance_id);

create table profile (id integer primary key check (id = 1), data text not null) strict;

create table audit (
  id integer primary key,
  at integer not null,
  actor text not null,
  action text not null,
  tbl text not null,
  row_ids text not null
) strict;

create table phones (
  id integer primary key,
  name text not null,
  user_agent text not null,
  token_hash text not null unique,
  paired_at integer not null,
  last_seen_at integer
) strict;

create table feedback (
  id integer primary key,
  question text not null,
  answer text not null,
  correction text,
  memory_ids text not null,
  at integer not null
) strict;

create table text_vectors (
  id integer primary key,
  memory_id text not null,
  model_id text not null,
  dim integer not null,
  vector blob not null,
  unique (memory_id, model_id)
) strict;

-- One sqlite-vec vec0 table per (kind, embedding model id): dimensions differ and
-- vectors of different models must never be compared.
create table vector_indexes (
  tbl text primary key,
  kind text not null check (kind in ('face', 'text')),
  model_id text not null,
  dim integer not null,
  unique (kind, model_id)
) strict;

-- Full-text search over notes (rowid 2*id) and encounters' place + context (2*id+1),
-- with the person's name as its own column so "where did I meet Bob" finds Bob's rows.
create virtual table search using fts5 (
  kind unindexed, ref_id unindexed, person_id unindexed, name, body,
  tokenize = 'unicode61 remove_diacritics 2'
);
-- Deleted rows leave no tokens behind in the index (forget).
insert into search (search, rank) values ('secure-delete', 1);

create trigger notes_ai after insert on notes begin
  insert into search (rowid, kind, ref_id, person_id, name, body)
  values (new.id * 2, 'note', new.id, new.person_id, (select name from people where id = new.person_id), new.text);
end;
create trigger notes_au after update on notes begin
  delete from search where rowid = old.id * 2;
  insert into search (rowid, kind, ref_id, person_id, name, body)
  values (new.id * 2, 'note', new.id, new.person_id, (select name from people where id = new.person_id), new.text);
end;
create trigger notes_ad after delete on notes begin
  delete from search where rowid = old.id * 2;
  delete from text_vectors where memory_id = 'note:' || old.id;
end;
create trigger encounters_ai after insert on encounters begin
  insert into search (rowid, kind, ref_id, person_id, name, body)
  values (new.id * 2 + 1, 'encounter', new.id, new.person_id, (select name from people where id = new.person_id),
          trim(coalesce(new.place, '') || ' ' || coalesce(new.context, '')));
end;
create trigger encounters_au after update on encounters begin
  delete from search where rowid = old.id * 2 + 1;
  insert into search (rowid, kind, ref_id, person_id, name, body)
  values (new.id * 2 + 1, 'encounter', new.id, new.person_id, (select name from people where id = new.person_id),
          trim(coalesce(new.place, '') || ' ' || coalesce(new.context, '')));
end;
create trigger encounters_ad after delete on encounters begin
  delete from search where rowid = old.id * 2 + 1;
  delete from text_vectors where memory_id = 'encounter:' || old.id;
end;
create trigger people_au after update of name on people begin
  delete from search where rowid in (select id * 2 from notes where person_id = new.id);
  delete from search where rowid in (select id * 2 + 1 from encounters where person_id = new.id);
  insert into search (rowid, kind, ref_id, person_id, name, body)
  select id * 2, 'note', id, person_id, new.name, text from notes where person_id = new.id;
  insert into search (rowid, kind, ref_id, person_id, name, body)
  select id * 2 + 1, 'encounter', id, person_id, new.name, trim(coalesce(place, '') || ' ' || coalesce(context, ''))
  from encounters where person_id = new.id;
end;
create trigger people_ad after delete on people begin
  delete from text_vectors where memory_id = 'person:' || old.id;
end;
create trigger face_samples_ad after delete on face_samples begin
  delete from text_vectors where memory_id = 'sample:' || old.id;
end;
`;

export const MIGRATIONS: readonly string[] = [v1];
export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses a file written by a newer mnemo; returns the version found. */
export function checkVersion(db: Database, path: string, migrations: readonly string[] = MIGRATIONS): number {
  const found = schemaVersion(db);
  if (found > migrations.length) {
    throw new MnemoError('memory-newer-version', `${path} has schema version ${found}; this mnemo knows up to ${migrations.length}`, {
      fix: 'upgrade mnemo (the file was written by a newer version and is left untouched)',
      details: { file: path, found, supported: migrations.length },
    });
  }
  return found;
}

/** Applies every pending migration in one transaction; returns how many. */
export function migrate(db: Database, from: number, migrations: readonly string[] = MIGRATIONS): number {
  const pending = migrations.slice(from);
  if (pending.length === 0) return 0;
  db.transaction(() => {
    for (const sql of pending) db.exec(sql);
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
  return pending.length;
}
