import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MnemoError } from '../config/errors.js';
import { sha256File } from './hash.js';
import { findModel, MODELS, type ModelEntry, type ModelFile } from './manifest.js';

export type FileStatus = 'present' | 'missing' | 'mismatch';

export interface ModelStatus {
  entry: ModelEntry;
  status: FileStatus;
  files: Array<{ file: ModelFile; path: string; status: FileStatus }>;
}

const LOCAL_REGISTRY = 'local-models.json';
const VERIFIED = '.verified.json';
const require = createRequire(import.meta.url);

/**
 * The models folder: where each entry's files live, whether they are there and
 * intact, and the wearer's locally registered models. Loading code asks
 * `require(id)` for verified paths; a missing or tampered file is an error that
 * names the file and the command that fixes it.
 */
export class ModelStore {
  constructor(readonly dir: string) {}

  entries(): ModelEntry[] {
    return [...MODELS, ...this.localEntries()];
  }

  entry(id: string): ModelEntry {
    const entry = findModel(id, this.localEntries());
    if (!entry) {
      throw new MnemoError('model-unknown', `no model called "${id}"`, { fix: 'run `mnemo models list` for the known ids' });
    }
    return entry;
  }

  /** Where a file of an entry is (or would be, once pulled). */
  pathOf(entry: ModelEntry, file: ModelFile): string {
    switch (entry.source.kind) {
      case 'package':
        return join(dirname(require.resolve(`${entry.source.name}/package.json`)), file.path);
      case 'system':
      case 'local':
        return join(entry.source.dir, file.path);
      default:
        return join(this.dir, entry.id, file.path);
    }
  }

  /** Cheap status: size and a cached hash keyed by size and mtime; `deep` re-hashes. */
  async status(entry: ModelEntry, deep = false): Promise<ModelStatus> {
    const cache = deep ? {} : this.readVerified(entry);
    const files = [];
    for (const file of entry.files) {
      const path = this.pathOf(entry, file);
      files.push({ file, path, status: await this.fileStatus(path, file, cache) });
    }
    if (files.every((f) => f.status === 'present'))
      this.writeVerified(
        entry,
        files.map((f) => f.path),
      );
    const status: FileStatus = files.some((f) => f.status === 'mismatch')
      ? 'mismatch'
      : files.some((f) => f.status === 'missing')
        ? 'missing'
        : 'present';
    return { entry, status, files };
  }

  /** Verified absolute paths of an entry's files, in manifest order. */
  async require(id: string): Promise<string[]> {
    const entry = this.entry(id);
    const st = await this.status(entry);
    for (const f of st.files) {
      if (f.status === 'missing') {
        throw new MnemoError('model-missing', `model ${id} is missing ${f.path}`, {
          fix: fixFor(entry),
          details: { model: id, file: f.path },
        });
      }
      if (f.status === 'mismatch') {
        throw new MnemoError('model-hash-mismatch', `model ${id}: ${f.path} does not match its sha256 (tampered or truncated)`, {
          fix: fixFor(entry),
          details: { model: id, file: f.path },
        });
      }
    }
    return st.files.map((f) => f.path);
  }

  localEntries(): ModelEntry[] {
    const file = join(this.dir, LOCAL_REGISTRY);
    if (!existsSync(file)) return [];
    return JSON.parse(readFileSync(file, 'utf8')) as ModelEntry[];
  }

  saveLocalEntries(entries: ModelEntry[]): void {
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, LOCAL_REGISTRY);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(entries, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  }

  private async fileStatus(path: string, file: ModelFile, cache: Record<string, string>): Promise<FileStatus> {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch {
      return 'missing';
    }
    if (st.size !== file.bytes) return 'mismatch';
    if (cache[path] === `${st.size}:${st.mtimeMs}:${file.sha256}`) return 'present';
    return (await sha256File(path)) === file.sha256 ? 'present' : 'mismatch';
  }

  private verifiedFile(entry: ModelEntry): string {
    return join(this.dir, entry.id, VERIFIED);
  }

  private readVerified(entry: ModelEntry): Record<string, string> {
    try {
      return JSON.parse(readFileSync(this.verifiedFile(entry), 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }

  private writeVerified(entry: ModelEntry, paths: string[]): void {
    if (entry.source.kind !== 'npm' && entry.source.kind !== 'https') return;
    const out: Record<string, string> = {};
    entry.files.forEach((file, i) => {
      const st = statSync(paths[i] as string);
      out[paths[i] as string] = `${st.size}:${st.mtimeMs}:${file.sha256}`;
    });
    try {
      writeFileSync(this.verifiedFile(entry), JSON.stringify(out));
    } catch {
      // A read-only models dir only costs a re-hash next time.
    }
  }
}

export function fixFor(entry: ModelEntry): string {
  switch (entry.source.kind) {
    case 'system':
      return `install it: apt-get install ${entry.source.debian}`;
    case 'package':
      return `reinstall dependencies: ONNXRUNTIME_NODE_INSTALL=skip npm ci (package ${entry.source.name})`;
    case 'local':
      return `the registered folder ${entry.source.dir} changed; re-register it with \`mnemo models add-local DIR\``;
    default:
      return `run \`mnemo models pull ${entry.id}\``;
  }
}
