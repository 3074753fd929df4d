import { MnemoError } from '../config/errors.js';

/*
 * SQLite failures the wearer can act on become MnemoErrors with stable codes.
 * better-sqlite3 throws SqliteError with `code` = the extended result code name
 * (SQLITE_FULL, SQLITE_BUSY_SNAPSHOT, SQLITE_CORRUPT_VTAB, ...).
 */

export interface ErrorContext {
  path: string;
  encrypted: boolean;
  /** The newest backup next to the file, if any (named in memory-corrupt). */
  backup?: string;
}

function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

export function isSqliteError(err: unknown, prefix: string): boolean {
  return sqliteCode(err)?.startsWith(prefix) ?? false;
}

/** The MnemoError for a SQLite failure, or the error unchanged when it is not one we map. */
export function mapSqliteError(err: unknown, ctx: ErrorContext): unknown {
  if (err instanceof MnemoError) return err;
  const code = sqliteCode(err);
  if (!code) return err;
  const details = { file: ctx.path, sqlite: code, backup: ctx.backup };
  if (code.startsWith('SQLITE_FULL')) {
    return new MnemoError('memory-disk-full', `the disk holding ${ctx.path} is full; nothing was written`, {
      cause: err,
      fix: 'free some space on that disk and try again',
      details,
    });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new MnemoError('memory-locked', `${ctx.path} is locked by another process`, {
      cause: err,
      fix: 'stop the other mnemo process using this memory file (or raise memory.busyTimeoutMs)',
      details,
    });
  }
  if (code === 'SQLITE_NOTADB' && ctx.encrypted) return keyInvalid(ctx.path, err, 'wrong');
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return corrupt(ctx, err);
  return err;
}

export function corrupt(ctx: ErrorContext, cause?: unknown, what = 'is corrupt'): MnemoError {
  const restore = ctx.backup ? `restore the backup ${ctx.backup}` : 'restore a backup made with `mnemo memory backup`';
  return new MnemoError('memory-corrupt', `the memory file ${ctx.path} ${what}`, {
    cause,
    fix: `${restore} (copy it over ${ctx.path})`,
    details: { file: ctx.path, backup: ctx.backup },
  });
}

export type KeyProblem = 'wrong' | 'missing' | 'plain';

export function keyInvalid(path: string, cause: unknown, problem: KeyProblem): MnemoError {
  const message = {
    wrong: `the key does not open ${path}`,
    missing: `${path} is encrypted (or not a SQLite file) and no key was given`,
    plain: `${path} is not encrypted, but a key was given`,
  }[problem];
  const fix = {
    wrong: 'check memory.encryption.keyFile / MNEMO_MEMORY_KEY',
    missing: 'set memory.encryption.keyFile to the key file or MNEMO_MEMORY_KEY to the key',
    plain: 'remove the key from the config, or encrypt the file with `mnemo memory encrypt`',
  }[problem];
  return new MnemoError('memory-key-invalid', message, { cause, fix, details: { file: path } });
}
