import { existsSync, rmSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3-multiple-ciphers';
import { MnemoError } from '../config/errors.js';
import { logger } from '../config/log.js';
import { mapSqliteError } from './errors.js';
import { buildExport, importExport } from './export.js';
import { backupsOf, type ConnectOptions, connect } from './open.js';
import { EncountersStore } from './repos/encounters.js';
import { FacesStore } from './repos/faces.js';
import { NotesStore } from './repos/notes.js';
import { PeopleStore } from './repos/people.js';
import { AuditStore, FeedbackStore, PhonesStore, ProfileStore, UtterancesStore } from './repos/small.js';
import { parseMemoryId, TextVectorsStore } from './repos/text-vectors.js';
import { Store } from './store.js';
import type { Actor, Memory, MemoryExport, MemoryStats } from './types.js';
import { VectorIndex } from './vectors.js';

const log = logger('mnemo:memory');

export interface OpenMemoryOptions extends ConnectOptions {
  /** Days transcripts are kept (default 30); older ones are pruned at open and by `utterances.prune()`. */
  utteranceRetentionDays?: number;
  clock?: { now(): number };
  /** RAM a model's vectors may take for the fast exact search (default 64 MB); beyond it sqlite-vec answers. */
  vectorRamMB?: number;
}

const TABLE_OF: Record<string, string> = {
  person: 'people',
  note: 'notes',
  encounter: 'encounters',
  sample: 'face_samples',
  utterance: 'utterances',
};

/** The SQLite memory. `db` is exposed for tests and the CLI's maintenance commands only. */
export class SqliteMemory implements Memory {
  readonly path: string;
  readonly db: Database.Database;
  readonly encrypted: boolean;
  readonly people: PeopleStore;
  readonly faces: FacesStore;
  readonly encounters: EncountersStore;
  readonly notes: NotesStore;
  readonly utterances: UtterancesStore;
  readonly profile: ProfileStore;
  readonly audit: AuditStore;
  readonly textVectors: TextVectorsStore;
  readonly phones: PhonesStore;
  readonly feedback: FeedbackStore;
  readonly store: Store;

  constructor(opts: OpenMemoryOptions) {
    const opened = connect(opts);
    this.path = opts.path;
    this.db = opened.db;
    this.encrypted = opts.key !== undefined;
    const s = new Store(
      opened.db,
      opts.clock ?? Date,
      new VectorIndex(opened.db, opened.vectorMode, (opts.vectorRamMB ?? 64) * 2 ** 20),
      opened.errors,
    );
    this.store = s;
    try {
      s.write(() => s.index.reconcile());
      this.faces = new FacesStore(s);
      this.encounters = new EncountersStore(s);
      this.notes = new NotesStore(s);
      this.people = new PeopleStore(s, this.faces, this.encounters, this.notes, () => this.afterForget());
      this.utterances = new UtterancesStore(s, opts.utteranceRetentionDays ?? 30);
      this.profile = new ProfileStore(s);
      this.audit = new AuditStore(s);
      this.textVectors = new TextVectorsStore(s, (id) => this.exists(id));
      this.phones = new PhonesStore(s);
      this.feedback = new FeedbackStore(s);
      this.utterances.prune();
    } catch (err) {
      opened.db.close();
      throw err;
    }
  }

  /** Copies made before a migration hold what was just forgotten: they go too. */
  private afterForget(): void {
    for (const b of backupsOf(this.path).filter((f) => /\.v\d+\.bak$/.test(f))) {
      rmSync(b, { force: true });
      log.warn({ backup: b }, 'removed a pre-migration backup: it held a person who was just forgotten');
    }
    this.store.errors.backup = backupsOf(this.path)[0];
  }

  exists(id: string): boolean {
    const m = parseMemoryId(id);
    if (!m) return false;
    return this.store.read(() => this.db.prepare(`select 1 from ${TABLE_OF[m.kind]} where id = ?`).get(m.id) !== undefined);
  }

  export(opts: { withEmbeddings?: boolean; withThumbnails?: boolean } = {}): MemoryExport {
    const profile = this.profile.get();
    return this.store.read(() => this.db.transaction(() => buildExport(this.store, profile, opts)).deferred());
  }

  import(data: MemoryExport, actor: Actor = 'device'): { people: number; notes: number } {
    const r = importExport(this.store, data, actor, (p) => this.profile.set(p, actor));
    return { people: r.people, notes: r.notes };
  }

  stats(): MemoryStats {
    return this.store.read(() => {
      const count = (t: string) => this.db.prepare(`select count(*) from ${t}`).pluck().get() as number;
      const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
      return {
        people: count('people'),
        faceSamples: count('face_samples'),
        encounters: count('encounters'),
        notes: count('notes'),
        utterances: count('utterances'),
        fileBytes: size(this.path) + size(`${this.path}-wal`),
        vectorSearch: this.store.index.mode,
        vectorRamBytes: Object.values(this.store.index.ramUsage()).reduce((a, b) => a + b, 0),
        encrypted: this.encrypted,
      };
    });
  }

  /**
   * A consistent copy while the memory stays in use. Plain files use SQLite's online
   * backup API; an encrypted file uses VACUUM INTO, which writes the copy encrypted
   * with the same key (the backup API refuses, rightly, to copy it into a plain file).
   */
  async backup(file: string): Promise<void> {
    if (existsSync(file)) throw new MnemoError('invalid-argument', `${file} already exists; backups never overwrite`);
    try {
      if (this.encrypted) this.db.prepare('vacuum into ?').run(file);
      else await this.db.backup(file);
    } catch (err) {
      rmSync(file, { force: true });
      throw mapSqliteError(err, this.store.errors);
    }
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma('optimize');
    } catch {
      // best effort only
    }
    this.db.close();
  }
}
