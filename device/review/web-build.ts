import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, MnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';

const log = logger('mnemo:review');

/** The web app's sources; from a compiled `dist/device/review` the sources are back in the project. */
export function webSourceDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'web'), resolve(here, '..', '..', '..', 'device', 'review', 'web')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? (candidates[0] as string);
}

const STATIC_FILES = ['index.html', 'style.css', 'icon.svg'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist') continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function fresh(src: string, dist: string): boolean {
  const stamp = join(dist, '.built');
  return existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource(src);
}

/**
 * Builds the web app into `web/dist` unless it is already newer than every source.
 * The output is git-ignored, so the server builds it on demand (tests, `npm start`);
 * `npm run build:web` does the same by hand. A lock file keeps parallel test workers
 * from building into the same folder at once.
 */
export async function ensureWebBuilt(opts: { force?: boolean } = {}): Promise<string> {
  const src = webSourceDir();
  const dist = join(src, 'dist');
  if (!opts.force && fresh(src, dist)) return dist;
  mkdirSync(dist, { recursive: true });
  const lock = join(dist, '.lock');
  const release = await acquire(lock);
  try {
    if (!opts.force && fresh(src, dist)) return dist;
    let esbuild: typeof import('esbuild');
    try {
      esbuild = await import('esbuild');
    } catch (cause) {
      throw new MnemoError('review-web-build-failed', 'the phone web app is not built and esbuild is not installed', {
        cause,
        fix: 'run `npm run build:web` on a machine with the dev dependencies, or `npm install`',
      });
    }
    const t0 = performance.now();
    try {
      for (const f of readdirSync(dist)) if (f !== '.lock') rmSync(join(dist, f), { recursive: true, force: true });
      await esbuild.build({
        entryPoints: [join(src, 'main.ts')],
        outfile: join(dist, 'app.js'),
        bundle: true,
        minify: true,
        format: 'esm',
        target: ['es2020', 'safari15'],
        legalComments: 'none',
        logLevel: 'silent',
      });
      for (const f of STATIC_FILES) if (existsSync(join(src, f))) copyFileSync(join(src, f), join(dist, f));
      writeFileSync(join(dist, '.built'), new Date().toISOString());
    } catch (cause) {
      throw new MnemoError('review-web-build-failed', `building the phone web app failed: ${errorMessage(cause)}`, { cause });
    }
    log.info({ ms: Math.round(performance.now() - t0) }, 'built the phone web app');
    return dist;
  } finally {
    release();
  }
}

async function acquire(lock: string): Promise<() => void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      return () => rmSync(lock, { force: true });
    } catch {
      // A lock older than a build can take is left over from a killed process.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { force: true });
      } catch {
        // released between the two calls: try again
      }
      if (Date.now() > deadline) throw new MnemoError('review-web-build-failed', `timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureWebBuilt({ force: true }).then(
    (dir) => process.stdout.write(`built ${dir}\n`),
    (err: unknown) => {
      process.stderr.write(`${errorMessage(err)}\n`);
      process.exitCode = 1;
    },
  );
}
