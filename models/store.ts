import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MnemoError } from '../config/errors.js';
import { sha256File } from './hash.js';
import { MODELS, type ModelEntry, type ModelFile } from './manifest.js';

/** 'unverified': the file is there but its sha256 is known neither from the manifest nor from a recorded pin. */
export type FileStatus = 'present' | 'missing' | 'mismatch' | 'unverified';

export interface ModelStatus {
  entry: ModelEntry;
  status: FileStatus;
  files: Array<{ file: ModelFile; path: string; status: FileStatus }>;
}

const LOCAL_REGISTRY = 'local-models.json';
const VERIFIED = '.verified.json';
/** Hashes recorded on a first `pull --trust-unpinned` of files the manifest could not pin. */
const PINS = '.pins.json';
const require = createRequire(import.meta.url);

/**
 * The models folder: where each entry's files live, whether they are there and
 * intact, and the wearer's locally registered models. Loading code asks
 * `require(id)` for verified paths; a missing or tampered file is an error that
 * names the file and the command that fixes it.
 */
export class ModelStore {
  /** `catalogue` is the built-in manifest; tests pass their own entries. */
  constructor(
    readonly dir: string,
    private readonly catalogue: ModelEntry[] = MODELS,
  ) {}

  entries(): ModelEntry[] {
    return [...this.catalogue, ...this.localEntries()];
  }

  entry(id: string): ModelEntry {
    const entry = this.entries().find((m) => m.id === id);
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
    const pins = this.pins(entry);
    const files = [];
    for (const file of entry.files) {
      const path = this.pathOf(entry, file);
      files.push({ file, path, status: await this.fileStatus(path, file, cache, file.sha256 ?? pins[file.path] ?? null) });
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
        : files.some((f) => f.status === 'unverified')
          ? 'unverified'
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
      if (f.status === 'unverified') {
        throw new MnemoError('model-unpinned', `model ${id}: ${f.path} has no known sha256, so it cannot be verified`, {
          fix: `check the hashes on the model's source, then \`mnemo models pull ${id} --trust-unpinned\` to record them`,
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

  /** Hashes recorded by a trusted first pull of unpinned files (path -> sha256). */
  pins(entry: ModelEntry): Record<string, string> {
    try {
      return JSON.parse(readFileSync(join(this.dir, entry.id, PINS), 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }

  recordPin(entry: ModelEntry, path: string, sha256: string): void {
    const pins = { ...this.pins(entry), [path]: sha256 };
    mkdirSync(join(this.dir, entry.id), { recursive: true });
    const file = join(this.dir, entry.id, PINS);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(pins, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  }

  private async fileStatus(path: string, file: ModelFile, cache: Record<string, string>, expected: string | null): Promise<FileStatus> {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch {
      return 'missing';
    }
    if (expected === null) return 'unverified';
    if (file.bytes !== null && st.size !== file.bytes) return 'mismatch';
    if (cache[path] === `${st.size}:${st.mtimeMs}:${expected}`) return 'present';
    return (await sha256File(path)) === expected ? 'present' : 'mismatch';
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
    const pins = this.pins(entry);
    entry.files.forEach((file, i) => {
      const st = statSync(paths[i] as string);
      out[paths[i] as string] = `${st.size}:${st.mtimeMs}:${file.sha256 ?? pins[file.path]}`;
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
