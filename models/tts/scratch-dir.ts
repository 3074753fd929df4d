import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Engines that can only write audio to a file get a private scratch folder, in RAM
 * (/dev/shm) where the system has one: what the wearer is told never touches the
 * disk, and each file is deleted as soon as it is read.
 */
export function scratchDir(prefix: string): { path: string; remove(): void } {
  let base = tmpdir();
  try {
    accessSync('/dev/shm', constants.W_OK);
    base = '/dev/shm';
  } catch {
    // no RAM disk: the temp folder it is
  }
  const path = mkdtempSync(join(base, `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
