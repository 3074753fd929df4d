import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { embed, UseLiteEmbedder } from '../../models/sentence/index.js';
import { ModelStore } from '../../models/store.js';
import { testModelStore } from '../helpers/models.js';

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] as number) * (b[i] as number);
    x += (a[i] as number) ** 2;
    y += (b[i] as number) ** 2;
  }
  return d / Math.sqrt(x * y);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnemo-use-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('USE lite sentence embeddings (real model from the verified folder)', () => {
  it('gives one 512-d vector per text; paraphrases are nearer than other commands', async () => {
    const [a, b, c, d] = await embed(
      ['where did I meet Ana', 'where have I met Ana before', 'turn the volume up', 'make it louder'],
      testModelStore(),
    );
    expect(a).toBeInstanceOf(Float32Array);
    expect(a?.length).toBe(512);
    const same = cosine(a as Float32Array, b as Float32Array);
    expect(same).toBeGreaterThan(cosine(a as Float32Array, c as Float32Array));
    expect(cosine(c as Float32Array, d as Float32Array)).toBeGreaterThan(cosine(b as Float32Array, d as Float32Array));
    expect(await embed([], testModelStore())).toEqual([]);
  });

  it('a tampered model file is refused before tfjs reads it', async () => {
    const store = new ModelStore(join(dir, 'models'));
    cpSync(join(testModelStore().dir, 'use-lite-512'), join(store.dir, 'use-lite-512'), { recursive: true });
    writeFileSync(join(store.dir, 'use-lite-512', 'dist', 'vocab.json'), '[]');
    const err = await UseLiteEmbedder.load(store).catch((e) => e);
    expect(isMnemoError(err, 'model-hash-mismatch')).toBe(true);
  });
});
