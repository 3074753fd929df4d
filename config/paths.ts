import { homedir } from 'node:os';
import { join } from 'node:path';

/** The user's data dir for mnemo, following XDG (`$XDG_DATA_HOME/mnemo`, else `~/.local/share/mnemo`). */
export function dataDir(): string {
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'mnemo');
}
