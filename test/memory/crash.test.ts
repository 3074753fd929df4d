import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
// Bundled once (esbuild comes with tsx) so each of the 30 child starts skips the TS loader.
// The bundle lives under node_modules/.cache so its bare imports resolve to the project's packages.
const child = fileURLToPath(new URL('../../node_modules/.cache/mnemo-test/enroll-loop.mjs', import.meta.url));
beforeAll(() => {
  buildSync({
    entryPoints: [fileURLToPath(new URL('./fixtures/enroll-loop.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: child,
    logLevel: 'error',
  });
});
const ROUNDS = 30;

/** Starts the enrolling child, SIGKILLs it `afterMs` after it is ready; resolves with the names it reported committed. */
function runAndKill(path: string, prefix: string, afterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const p: ChildProcess = spawn(process.execPath, [child, path, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    p.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (!timer && out.startsWith('ready\n')) timer = setTimeout(() => p.kill('SIGKILL'), afterMs);
    });
    p.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child exited by itself (${code}): ${err}`));
      // The last line may be cut by the kill: only whole lines were reported.
      const lines = out.split('\n');
      lines.pop();
      resolve(lines.filter((l) => l !== 'ready'));
    });
  });
}

describe('crash safety', () => {
  it(`keeps every reported enrollment whole across ${ROUNDS} SIGKILLs at random moments`, async () => {
    const path = tmp.file('crash.db');
    const reported = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const names = await runAndKill(path, `r${round}`, 20 + Math.floor(Math.random() * 200));
      for (const n of names) reported.add(n);

      const m = open(path);
      expect(m.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const people = m.db
        .prepare(
          `select p.name,
             (select count(*) from face_samples f where f.person_id = p.id) as samples,
             (select count(*) from encounters e where e.person_id = p.id) as encounters
           from people p`,
        )
        .all() as Array<{ name: string; samples: number; encounters: number }>;
      // Nobody half-enrolled: every person has all 3 samples and the encounter.
      for (const p of people) expect(p, p.name).toMatchObject({ samples: 3, encounters: 1 });
      const stored = new Set(people.map((p) => p.name));
      for (const n of reported) expect(stored.has(n), `${n} was reported committed`).toBe(true);
      // What was committed is findable by vector search too (index in step with the rows).
      expect(m.db.prepare('select count(*) from vec_face_1_rowids').pluck().get()).toBe(people.length * 3);
      m.close();
    }
    expect(reported.size).toBeGreaterThan(ROUNDS);
  }, 180_000);
});
