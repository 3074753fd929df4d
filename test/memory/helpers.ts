import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenMemoryOptions, openMemory, type SqliteMemory } from '../../memory/index.js';

/** A temp dir per test file, removed afterwards. */
export function tempDir(prefix = 'mnemo-memory-'): { dir: string; file: (name?: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return {
    dir,
    file: (name) => join(dir, name ?? `m${++n}.db`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A controllable clock. */
export function fakeClock(start = Date.UTC(2026, 2, 3, 10, 0, 0)): { now(): number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export function open(path: string, opts: Partial<OpenMemoryOptions> = {}): SqliteMemory {
  return openMemory({ path, log: false, ...opts });
}

/** A deterministic pseudo-random unit vector (mulberry32), so tests can be re-run exactly. */
export function randomVector(dim: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = rnd() * 2 - 1;
  return v;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return d / Math.sqrt(na * nb);
}
