import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import * as sqliteVec from 'sqlite-vec';
import { logger } from '../config/log.js';
import { corrupt, type ErrorContext, keyInvalid, mapSqliteError } from './errors.js';
import { checkVersion, MIGRATIONS, migrate } from './migrations.js';
import type { VectorMode } from './vectors.js';

const log = logger('mnemo:memory');
const HEADER = 'SQLite format 3\u0000';

export interface OpenedDatabase {
  db: Database.Database;
  vectorMode: VectorMode;
  errors: ErrorContext;
  /** The copy made before this open migrated the file, if it did. */
  migrationBackup?: string;
}

export interface ConnectOptions {
  path: string;
  key?: string;
  busyTimeoutMs?: number;
  log?: boolean;
  /** For tests of the fallback: pretend the sqlite-vec extension failed to load. */
  disableSqliteVec?: boolean;
  /** For tests of the migration machinery: the list to apply instead of the shipped one. */
  migrations?: readonly string[];
}

/** The first 16 bytes of the file, or undefined when it is missing or empty (a new memory). */
function header(path: string): string | undefined {
  if (!existsSync(path) || statSync(path).size === 0) return undefined;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    readSync(fd, buf, 0, 16, 0);
    return buf.toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** Backups next to the file (`<file>.v1.bak`, ...), newest first. */
export function backupsOf(path: string): string[] {
  const dir = dirname(path);
  if (!existsSync(dir)) return [];
  const base = basename(path);
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${base}.`) && f.endsWith('.bak'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
}

/** Applies the cipher and key to a fresh connection (SQLCipher 4 format). */
export function applyKey(db: Database.Database, key: string): void {
  db.pragma("cipher = 'sqlcipher'");
  db.key(Buffer.from(key, 'utf8'));
}

/**
 * Opens (or creates) the memory file: checks the header against the key, sets the
 * pragmas that make it durable (WAL, synchronous=FULL) and private (secure_delete),
 * refuses a newer schema, copies the file before migrating it, checks its integrity,
 * loads sqlite-vec. Every failure is a MnemoError naming the file.
 */
export function connect(opts: ConnectOptions): OpenedDatabase {
  const { path, key } = opts;
  const errors: ErrorContext = { path, encrypted: key !== undefined, backup: backupsOf(path)[0] };
  const head = header(path);
  if (head !== undefined && key === undefined && head !== HEADER) throw keyInvalid(path, undefined, 'missing');
  if (head === HEADER && key !== undefined) throw keyInvalid(path, undefined, 'plain');
  if (head === undefined) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });

  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: opts.busyTimeoutMs ?? 5000 });
    if (key !== undefined) applyKey(db, key);
    // The first read decrypts page 1: a wrong key fails here with SQLITE_NOTADB.
    db.prepare('select count(*) from sqlite_schema').get();
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw corrupt(errors, undefined, `cannot be switched to WAL mode (got ${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');

    const migrations = opts.migrations ?? MIGRATIONS;
    const from = checkVersion(db, path, migrations);
    let migrationBackup: string | undefined;
    if (from > 0 && from < migrations.length) {
      migrationBackup = `${path}.v${from}.bak`;
      db.pragma('wal_checkpoint(TRUNCATE)');
      copyFileSync(path, migrationBackup);
      errors.backup = migrationBackup;
      if (opts.log !== false) log.info({ from, to: migrations.length, backup: migrationBackup }, 'migrating the memory file');
    }
    if (from > 0) {
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw corrupt(errors, undefined, `failed its integrity check (${String(check)})`);
    }
    migrate(db, from, migrations);

    let vectorMode: VectorMode = 'sqlite-vec';
    try {
      if (opts.disableSqliteVec) throw new Error('disabled by the caller');
      sqliteVec.load(db);
    } catch (err) {
      vectorMode = 'brute-force';
      if (opts.log !== false) log.warn({ err: String(err) }, 'sqlite-vec did not load: nearest-neighbour search falls back to brute force');
    }
    return { db, vectorMode, errors, migrationBackup };
  } catch (err) {
    db?.close();
    throw mapSqliteError(err, errors);
  }
}
