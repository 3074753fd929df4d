import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMemory, type SqliteMemory } from '../../memory/index.js';
import type { SearchEngine } from '../../memory/vectors.js';
import type { Benchmark } from './harness.js';

/*
 * Long-term memory: nearest-5 face samples over 1k, 10k and 100k stored 128-d and 512-d
 * vectors: sqlite-vec (vec0, exact KNN) against exact brute force over an in-RAM matrix
 * (usearch SIMD, and a plain JS loop) in the same run; and enrollments (person + 3 samples + encounter, one transaction,
 * synchronous=FULL) per second, plain and SQLCipher-encrypted.
 */

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function vector(dim: number, r: () => number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = r() * 2 - 1;
  return v;
}

/** Adds samples in batches of 10 per person, 1000 per transaction, through the public API. */
function fill(m: SqliteMemory, modelId: string, dim: number, from: number, to: number, r: () => number): void {
  for (let base = from; base < to; base += 1000) {
    m.db.transaction(() => {
      for (let i = base; i < Math.min(base + 1000, to); i += 10) {
        const p = m.people.create(`person ${i}`);
        m.faces.add(
          p.id,
          Array.from({ length: Math.min(10, to - i) }, () => ({ modelId, embedding: vector(dim, r), quality: 0.5 })),
        );
      }
    })();
  }
}

function enrollRate(path: string, key: string | undefined, ms: number): number {
  const m = openMemory({ path, key, log: false });
  const r = rng(7);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    m.people.enroll({
      name: `enrolled ${n}`,
      samples: [0, 1, 2].map(() => ({ modelId: 'dlib-128', embedding: vector(128, r), quality: 0.8, thumbnail: Buffer.alloc(3000, 1) })),
      encounter: { source: 'face', place: 'bench' },
    });
    n++;
  }
  const rate = n / ((performance.now() - t0) / 1000);
  m.close();
  return rate;
}

const bench: Benchmark = {
  description: 'memory: nearest-5 over 1k/10k/100k samples (128-d, 512-d), sqlite-vec vs brute force; enroll tx/s plain vs encrypted',
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-bench-memory-'));
    try {
      for (const dim of [128, 512]) {
        const m = openMemory({ path: join(dir, `nn-${dim}.db`), log: false });
        const r = rng(dim);
        const modelId = `bench-${dim}`;
        let have = 0;
        for (const n of [1_000, 10_000, 100_000]) {
          fill(m, modelId, dim, have, n, r);
          have = n;
          const queries = Array.from({ length: 30 }, () => vector(dim, r));
          const label = `${n / 1000}k x ${dim}-d`;
          let q = 0;
          const next = () => queries[q++ % 30] as Float32Array;
          m.store.index.invalidate(); // time a cold build from the rows, as at the first lookup after open
          const t0 = performance.now();
          m.faces.nearestWith('usearch', next(), modelId, 5);
          ctx.value(`RAM matrix build ${label}`, performance.now() - t0, 'ms');
          const p50 = (engine: SearchEngine, what: string) =>
            ctx
              .time(() => m.faces.nearestWith(engine, next(), modelId, 5), { runs: 30 })
              .then((t) => ctx.figure(`${what} ${label}`, t).p50);
          const vec = await p50('sqlite-vec', 'sqlite-vec nearest-5');
          const simd = await p50('usearch', 'RAM usearch nearest-5');
          const js = await p50('js', 'RAM js-loop nearest-5');
          const auto = await p50('auto', 'nearest() default');
          ctx.ratio(`sqlite-vec / RAM usearch ${label}`, vec / simd);
          ctx.ratio(`sqlite-vec / RAM js-loop ${label}`, vec / js);
          ctx.note(
            `${label}: nearest() default p50 ${auto} ms (${n * dim * 4 <= 64 * 2 ** 20 ? 'RAM matrix' : 'sqlite-vec: the matrix exceeds memory.vectorRamMB'})`,
          );
          const answers = (['sqlite-vec', 'usearch', 'js'] as const).map((e) =>
            m.faces
              .nearestWith(e, queries[1] as Float32Array, modelId, 5)
              .map((h) => h.sampleId)
              .join(),
          );
          if (new Set(answers).size !== 1) ctx.note(`${label}: engines disagree: ${answers.join(' | ')}`);
        }
        m.close();
      }
      const plain = enrollRate(join(dir, 'enroll-plain.db'), undefined, 3000);
      const enc = enrollRate(join(dir, 'enroll-enc.db'), 'bench key', 3000);
      ctx.value('enroll plain', plain, 'tx/s');
      ctx.value('enroll encrypted', enc, 'tx/s');
      ctx.ratio('enroll encrypted / plain', enc / plain);
      ctx.note('enroll = person + 3 samples (128-d, 3 kB thumbnails) + encounter in one transaction, WAL, synchronous=FULL');
      ctx.note('the machine is shared with other work while this runs: figures are noisy');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default bench;
