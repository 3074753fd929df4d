import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import { enrollImages, identifyImages } from '../../device/commands/faces.js';
import { decide, MemoryIdentity, template } from '../../device/faces/identity.js';
import { openMemory } from '../../memory/index.js';
import type { Memory } from '../../memory/types.js';
import { createFaceAnalyzer, type MnemoFaceAnalyzer } from '../../models/faces/analyzer.js';
import { decodeImageFile } from '../../models/image.js';
import { demoPhoto, testModelStore } from '../helpers/models.js';
import { cropPath, PEOPLE, type PersonName, SCENES, scenePath, whoIsIn } from './truth.js';

/*
 * Identity on real photos at the DEFAULT thresholds, through a real memory file:
 * each person enrolled from two crops; every other crop and every face of the
 * group scenes identified. A wrong name is a failure; so is naming nobody.
 */

const cfg = defaultConfig().faces;
let analyzer: MnemoFaceAnalyzer;
let dir: string;

beforeAll(async () => {
  analyzer = createFaceAnalyzer(cfg, testModelStore());
  await analyzer.load();
  dir = mkdtempSync(join(tmpdir(), 'mnemo-identity-'));
});
afterAll(async () => {
  await analyzer.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function enrolled(file: string, people: readonly PersonName[]): Promise<Memory> {
  const memory = openMemory({ path: join(dir, file) });
  for (const name of people) {
    await enrollImages(analyzer, memory, { name, files: [cropPath(name, 1), cropPath(name, 2)], maxSamples: cfg.maxSamplesPerPerson });
  }
  return memory;
}

interface Tally {
  genuine: number;
  named: number;
  wrong: Array<string>;
  rank1: number;
  embedded: number;
}

async function tally(memory: Memory, known: readonly PersonName[]): Promise<Tally> {
  const t: Tally = { genuine: 0, named: 0, wrong: [], rank1: 0, embedded: 0 };
  const identity = new MemoryIdentity(memory, analyzer.modelId, cfg);
  const check = (source: string, truth: PersonName | null, name: string | null, embedding: Float32Array | null) => {
    const isKnown = truth !== null && known.includes(truth);
    if (isKnown) t.genuine++;
    if (name !== null) {
      if (name === truth) t.named++;
      else t.wrong.push(`${source}: ${truth ?? 'a stranger'} named ${name}`);
    }
    if (isKnown && embedding) {
      t.embedded++;
      const top = identity.scores(embedding)[0];
      if (top && memory.people.get(top.personId)?.name === truth) t.rank1++;
    }
  };
  for (const name of PEOPLE) {
    const files = [3, 4, 5].map((n) => cropPath(name, n));
    const result = await identifyImages(analyzer, memory, cfg, files);
    for (const [i, r] of result.entries()) {
      const main = r.faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
      const { faces } = await analyzer.analyze(await decodeImageFile(files[i] as string), { still: true });
      const emb = faces.find((f) => Math.abs(f.box.x - (main?.box.x ?? 0)) < 1)?.embedding ?? null;
      check(`${name}${i + 3}`, name, main?.name ?? null, emb);
    }
  }
  for (const scene of SCENES) {
    const [r] = await identifyImages(analyzer, memory, cfg, [scenePath(scene)]);
    const { faces } = await analyzer.analyze(await decodeImageFile(scenePath(scene)));
    for (const [i, f] of (r?.faces ?? []).entries()) {
      const who = whoIsIn(scene, f.box);
      check(scene.file, who === 'none' ? null : who, f.name, faces[i]?.embedding ?? null);
    }
  }
  return t;
}

describe('identity on the shared photos at the default threshold', () => {
  it('names enrolled people in other crops and group scenes, and never wrongly', async () => {
    const memory = await enrolled('all.db', PEOPLE);
    try {
      const t = await tally(memory, PEOPLE);
      console.log(
        `identity (${analyzer.modelId}, threshold ${cfg.threshold}, margin ${cfg.margin}): rank-1 ${t.rank1}/${t.embedded}, ` +
          `named ${t.named}/${t.genuine} genuine faces (the rest failed the quality gate or abstained), wrong names ${t.wrong.length}`,
      );
      expect(t.wrong).toEqual([]);
      expect(t.rank1).toBe(t.embedded);
      // Abstaining on everything would also have no wrong names: most good faces must be named.
      expect(t.named).toBeGreaterThanOrEqual(Math.ceil(0.8 * t.embedded));
      expect(t.genuine).toBe(24 + 4 + 2 + 5 + 6 + 5);
    } finally {
      memory.close();
    }
  });

  it('never names a person who is not enrolled, nor anyone in the demo photos', async () => {
    const known = PEOPLE.filter((p) => p !== 'bernadette' && p !== 'stuart');
    const memory = await enrolled('six.db', known);
    try {
      const t = await tally(memory, known);
      expect(t.wrong).toEqual([]);
      expect(t.named).toBeGreaterThan(0);
      const demo = await identifyImages(
        analyzer,
        memory,
        cfg,
        [1, 2, 3, 4, 5, 6].map((i) => demoPhoto(i)),
      );
      const named = demo.flatMap((r) => r.faces.filter((f) => f.decision === 'named').map((f) => `${r.file}: ${f.name}`));
      expect(named).toEqual([]);
      expect(demo.flatMap((r) => r.faces)).toHaveLength(22);
    } finally {
      memory.close();
    }
  });

  it('never compares vectors of another embedding model', async () => {
    const memory = await enrolled('model.db', ['raj']);
    try {
      const { faces } = await analyzer.analyze(await decodeImageFile(cropPath('raj', 3)), { still: true });
      const emb = faces[0]?.embedding as Float32Array;
      expect(new MemoryIdentity(memory, analyzer.modelId, cfg).identify(emb).kind).toBe('named');
      const other = analyzer.modelId === 'fr-feature-512' ? 'faceapi-recognition-128' : 'fr-feature-512';
      expect(new MemoryIdentity(memory, other, cfg).scores(emb)).toEqual([]);
    } finally {
      memory.close();
    }
  });
});

describe('memory-backed templates', () => {
  it('reloads a person when memory holds a sample the cache has not seen', async () => {
    const memory = await enrolled('cache.db', ['howard']);
    try {
      const { faces } = await analyzer.analyze(await decodeImageFile(cropPath('howard', 4)), { still: true });
      const q = faces[0]?.embedding as Float32Array;
      const identity = new MemoryIdentity(memory, analyzer.modelId, cfg);
      const before = identity.scores(q)[0]?.similarity as number;
      // Another process enrolls more of Howard: no invalidate() call reaches this matcher.
      const howard = memory.people.findByName('howard')?.id as number;
      memory.faces.add(howard, [{ modelId: analyzer.modelId, embedding: q, quality: 1 }]);
      const after = identity.scores(q)[0]?.similarity as number;
      expect(after).toBeGreaterThan(before + 0.05);
    } finally {
      memory.close();
    }
  });
});

describe('the decision rule', () => {
  const opts = { threshold: 0.5, margin: 0.05 };
  it('names only above the threshold and with a lead over the runner-up', () => {
    expect(
      decide(
        [
          { personId: 1, similarity: 0.7 },
          { personId: 2, similarity: 0.3 },
        ],
        opts,
      ),
    ).toMatchObject({ kind: 'named', personId: 1 });
    expect(decide([{ personId: 1, similarity: 0.45 }], opts).kind).toBe('unknown');
    const close = decide(
      [
        { personId: 2, similarity: 0.66 },
        { personId: 1, similarity: 0.7 },
      ],
      opts,
    );
    expect(close.kind).toBe('ambiguous');
    expect(close.margin).toBeCloseTo(0.04, 6);
    expect(decide([], opts).kind).toBe('unknown');
  });

  it('averages samples into a unit template', () => {
    const t = template([Float32Array.from([1, 0]), Float32Array.from([0, 1])]);
    expect(t[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(t[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });
});
