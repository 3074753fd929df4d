import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { MIGRATIONS } from '../../memory/migrations.js';
import { fakeClock, open, randomVector, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const DAY = 86_400_000;

function seed(path: string) {
  const clock = fakeClock();
  const m = open(path, { clock });
  const ana = m.people.enroll({
    name: 'Ana Lima',
    samples: [1, 2].map((i) => ({
      modelId: 'dlib-128',
      embedding: randomVector(128, i),
      quality: 0.6 + i / 10,
      thumbnail: Buffer.from([0xff, 0xd8, i]),
    })),
    encounter: { source: 'face', place: 'robotics meetup', context: 'works on drones' },
    note: 'daughter is Mia',
  });
  clock.advance(1000);
  m.encounters.end(ana.encounterId as number);
  const bob = m.people.create('Bob', { pronunciation: 'bob' });
  m.faces.add(bob.id, [{ modelId: 'fr-512', embedding: randomVector(512, 9), quality: 1 }]);
  m.notes.add({ personId: null, text: 'buy milk' });
  m.profile.set({ name: 'Sam', interests: ['robots'], length: 'short' });
  return { m, ana, bob, clock };
}

describe('export and import', () => {
  it('round-trips people, samples (with embeddings and thumbnails), encounters, notes and profile', () => {
    const { m } = seed(tmp.file());
    const full = m.export({ withEmbeddings: true, withThumbnails: true });
    const lean = m.export();
    expect(lean.people[0]?.samples[0]).not.toHaveProperty('embedding');
    expect(lean.people[0]?.samples[0]).not.toHaveProperty('thumbnail');
    expect(full.people[0]?.samples[0]?.embedding).toHaveLength(128);

    const n = open(tmp.file());
    const json = JSON.parse(JSON.stringify(full));
    expect(n.import(json)).toEqual({ people: 2, notes: 2 });
    const back = n.export({ withEmbeddings: true, withThumbnails: true });
    const strip = (x: typeof full) => ({ ...x, exportedAt: 0 });
    expect(strip(back)).toEqual(strip(full));
    expect(n.faces.nearest(randomVector(512, 9), 'fr-512', 1)[0]?.similarity).toBeCloseTo(1, 5);
    expect(n.faces.thumbnail(n.people.findByName('ana')?.id as number)).toEqual(Buffer.from([0xff, 0xd8, 2]));
    expect(n.notes.search('drones')).toHaveLength(1);
    m.close();
    n.close();
  });

  it('refuses a file that is not an export, writing nothing', () => {
    const m = open(tmp.file());
    let err: unknown;
    try {
      m.import({ format: 'mnemo-memory', version: 1, people: [{ name: '' }] } as never);
    } catch (e) {
      err = e;
    }
    expect(isMnemoError(err, 'invalid-argument')).toBe(true);
    expect(String((err as Error).message)).toMatch(/people\.0/);
    expect(m.stats().people).toBe(0);
    m.close();
  });
});

describe('retention', () => {
  it('prunes utterances older than the retention, at open and on demand, unlinking their notes', () => {
    const path = tmp.file();
    const clock = fakeClock();
    const m = open(path, { clock, utteranceRetentionDays: 30 });
    const old = m.utterances.add('an old thing I said', clock.now() - 31 * DAY);
    m.utterances.add('a recent thing', clock.now() - 29 * DAY);
    const note = m.notes.add({ personId: null, text: 'from an old utterance', utteranceId: old.id });
    expect(m.utterances.prune()).toBe(1);
    expect(m.utterances.recent().map((u) => u.text)).toEqual(['a recent thing']);
    expect(m.notes.get(note.id)?.utteranceId).toBeNull();
    m.close();
    clock.advance(2 * DAY);
    const again = open(path, { clock, utteranceRetentionDays: 30 });
    expect(again.utterances.recent()).toEqual([]);
    expect(again.audit.list(1)[0]).toMatchObject({ action: 'prune', table: 'utterances' });
    again.close();
  });
});

describe('migrations', () => {
  it('copies the file before migrating and applies a new migration', () => {
    const path = tmp.file();
    seed(path).m.close();
    const next = [...MIGRATIONS, 'create table extra (id integer primary key, x text) strict;'];
    const m = open(path, { migrations: next });
    expect(m.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    expect(m.people.list()).toHaveLength(2);
    m.close();
    const backup = `${path}.v${MIGRATIONS.length}.bak`;
    expect(existsSync(backup)).toBe(true);
    const b = new Database(backup, { readonly: true });
    expect(b.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(b.prepare('select count(*) from people').pluck().get()).toBe(2);
    b.close();
    // The copy holds everyone as they were: forgetting someone removes it too.
    const again = open(path, { migrations: next });
    again.people.forget(again.people.findByName('bob')?.id as number);
    again.close();
    expect(existsSync(backup)).toBe(false);
  });

  it('rolls a failing migration back completely', () => {
    const path = tmp.file();
    seed(path).m.close();
    const bad = [...MIGRATIONS, 'create table half (x); insert into nowhere values (1);'];
    expect(() => open(path, { migrations: bad })).toThrow(/nowhere/);
    const m = open(path);
    expect(m.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(m.db.prepare("select count(*) from sqlite_schema where name = 'half'").pluck().get()).toBe(0);
    m.close();
    expect(readFileSync(path).subarray(0, 6).toString()).toBe('SQLite');
  });
});
