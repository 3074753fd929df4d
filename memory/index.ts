import { readFileSync, statSync } from 'node:fs';
import { MnemoError } from '../config/errors.js';
import { logger } from '../config/log.js';
import type { Config } from '../config/schema.js';
import { type OpenMemoryOptions, SqliteMemory } from './memory.js';

/*
 * The long-term memory. Everyone else calls `openMemory(...)` or
 * `openMemoryFromConfig(config.memory)` and uses the repositories of `Memory`
 * (memory/types.ts); nothing else writes to the database.
 */

export { type OpenMemoryOptions, SqliteMemory } from './memory.js';
export { SCHEMA_VERSION } from './migrations.js';
export { nameKey } from './names.js';
export type * from './types.js';

/** Opens (creating, migrating) the memory file. Throws MnemoError memory-* codes. */
export function openMemory(opts: OpenMemoryOptions): SqliteMemory {
  return new SqliteMemory(opts);
}

/** The key from `MNEMO_MEMORY_KEY`, else from `memory.encryption.keyFile` (which must not be readable by others). */
export function memoryKey(config: Config['memory'], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.MNEMO_MEMORY_KEY;
  if (fromEnv) return fromEnv;
  const file = config.encryption.keyFile;
  if (!file) return undefined;
  let text: string;
  try {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      logger('mnemo:memory').warn({ file, mode: mode.toString(8) }, 'the memory key file is readable by others: chmod 600 it');
    }
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new MnemoError('memory-key-invalid', `cannot read the memory key file ${file}`, {
      cause: err,
      fix: 'check memory.encryption.keyFile (a 0600 file holding the key)',
      details: { file },
    });
  }
  if (!text) throw new MnemoError('memory-key-invalid', `the memory key file ${file} is empty`, { details: { file } });
  return text;
}

export function openMemoryFromConfig(
  config: Config['memory'],
  extra: Pick<OpenMemoryOptions, 'clock' | 'log'> & { env?: NodeJS.ProcessEnv } = {},
): SqliteMemory {
  return openMemory({
    path: config.path,
    key: memoryKey(config, extra.env),
    utteranceRetentionDays: config.utteranceRetentionDays,
    busyTimeoutMs: config.busyTimeoutMs,
    vectorRamMB: config.vectorRamMB,
    clock: extra.clock,
    log: extra.log,
  });
}
export { type ConvertResult, decryptFile, encryptFile } from './crypt.js';
