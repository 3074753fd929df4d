import { existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { MnemoError } from '../config/errors.js';
import { mapSqliteError } from './errors.js';
import { applyKey, backupsOf, connect } from './open.js';

/*
 * `mnemo memory encrypt` / `decrypt`: convert a memory file between plain and SQLCipher.
 * The original is never modified in place: a consistent copy is made with VACUUM INTO,
 * re-keyed (SQLite3 Multiple Ciphers' rekey, which needs a rollback journal rather than
 * WAL), checked, and only then renamed over the original. A crash at any point leaves
 * the original as it was plus, at worst, a stray `.converting` file.
 */

export interface ConvertResult {
  path: string;
  encrypted: boolean;
  /** Copies next to the file that were not converted (pre-migration backups): delete them. */
  untouchedBackups: string[];
}

function convert(path: string, fromKey: string | undefined, toKey: string | undefined): ConvertResult {
  if (!existsSync(path)) throw new MnemoError('memory-not-found', `no memory file at ${path}`, { details: { file: path } });
  const tmp = `${path}.converting`;
  rmSync(tmp, { force: true });
  const src = connect({ path, key: fromKey, log: false });
  let expected: number;
  try {
    expected = src.db.prepare('select count(*) from people').pluck().get() as number;
    src.db.prepare('vacuum into ?').run(tmp);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw mapSqliteError(err, src.errors);
  } finally {
    src.db.close();
  }
  try {
    const db = new Database(tmp);
    try {
      if (fromKey !== undefined) applyKey(db, fromKey);
      db.pragma('journal_mode = DELETE');
      if (toKey !== undefined) db.pragma("cipher = 'sqlcipher'");
      const rc = db.rekey(Buffer.from(toKey ?? '', 'utf8'));
      if (rc !== 0) throw new MnemoError('memory-key-invalid', `re-keying ${path} failed (SQLite code ${rc})`);
      db.pragma('journal_mode = WAL');
    } finally {
      db.close();
    }
    const check = connect({ path: tmp, key: toKey, log: false });
    try {
      const ok = check.db.pragma('integrity_check', { simple: true });
      const people = check.db.prepare('select count(*) from people').pluck().get();
      if (ok !== 'ok' || people !== expected)
        throw new MnemoError('memory-corrupt', `the converted copy of ${path} did not check out; the original is untouched`);
      check.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      check.db.close();
    }
    for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    renameSync(tmp, path);
    for (const suffix of ['-wal', '-shm']) rmSync(`${tmp}${suffix}`, { force: true });
  } catch (err) {
    rmSync(tmp, { force: true });
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${tmp}${suffix}`, { force: true });
    throw mapSqliteError(err, { path, encrypted: toKey !== undefined });
  }
  return { path, encrypted: toKey !== undefined, untouchedBackups: backupsOf(path) };
}

/** Encrypts a plain memory file with `key` (SQLCipher 4 format). */
export function encryptFile(path: string, key: string): ConvertResult {
  if (!key) throw new MnemoError('memory-key-invalid', 'an empty key cannot encrypt anything');
  return convert(path, undefined, key);
}

/** Turns an encrypted memory file back into a plain one. */
export function decryptFile(path: string, key: string): ConvertResult {
  return convert(path, key, undefined);
}
