import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import { createFaceAnalyzer, type MnemoFaceAnalyzer } from '../../models/faces/analyzer.js';
import { type Candidate, pickMainFace } from '../../models/faces/main-face.js';
import { decodeImage, decodeImageFile } from '../../models/image.js';
import { demoPhoto, testModelStore } from '../helpers/models.js';
import { cropPath, DEMO_FACES, PEOPLE, SCENES, scenePath, whoIsIn } from './truth.js';

/*
 * Detection, landmarks and the quality gate on real photos. The expected counts
 * are faces a person sees in each photo (truth.ts, counted by eye).
 */

let analyzer: MnemoFaceAnalyzer;
const cfg = defaultConfig().faces;

beforeAll(async () => {
  analyzer = createFaceAnalyzer(cfg, testModelStore());
  await analyzer.load();
});
afterAll(() => analyzer.dispose());

describe('face detection on the shared photos', () => {
  it.each(SCENES.map((s) => [s.file, s]))('finds every face in %s, each on a labelled face', async (_f, scene) => {
    const { faces } = await analyzer.analyze(await decodeImageFile(scenePath(scene)));
    expect(faces).toHaveLength(scene.faces);
    const who = faces.map((f) => whoIsIn(scene, f.box));
    expect(who).not.toContain('none');
    expect(new Set(who).size).toBe(scene.faces);
  });

  it.each(DEMO_FACES.map((n, i) => [i + 1, n]))('finds the faces of demo photo sample%i.jpg (%i)', async (i, n) => {
    const { faces, steps } = await analyzer.analyze(await decodeImageFile(demoPhoto(i)));
    expect(faces).toHaveLength(n);
    expect(steps.detect).toBeGreaterThan(0);
  });

  it('finds the face of every tight crop once it is padded, and only with the padding retry', async () => {
    let withoutPad = 0;
    for (const name of PEOPLE) {
      for (let n = 1; n <= 5; n++) {
        const image = await decodeImageFile(cropPath(name, n));
        const main = pickMainFace((await analyzer.analyze(image, { still: true })).faces);
        expect(main.kind, `${name}${n}`).toBe('one');
        if ((await analyzer.analyze(image)).faces.length > 0) withoutPad++;
      }
    }
    // Most crops are found directly; the retry is what makes it all 40.
    expect(withoutPad).toBeGreaterThan(20);
  });

  it('puts landmarks on the face: eyes above the nose above the mouth, inside the box', async () => {
    const { faces } = await analyzer.analyze(await decodeImageFile(cropPath('sheldon', 1)), { still: true });
    const p = faces[0]?.landmarks as Array<[number, number]>;
    expect(p).toHaveLength(68);
    const eyeY = ((p[36] as [number, number])[1] + (p[45] as [number, number])[1]) / 2;
    expect(eyeY).toBeLessThan((p[30] as [number, number])[1]);
    expect((p[30] as [number, number])[1]).toBeLessThan((p[57] as [number, number])[1]);
    expect((p[36] as [number, number])[0]).toBeLessThan((p[45] as [number, number])[0]);
    const b = faces[0]?.box as { x: number; y: number; width: number; height: number };
    expect((p[30] as [number, number])[0]).toBeGreaterThan(b.x);
    expect((p[30] as [number, number])[0]).toBeLessThan(b.x + b.width);
  });
});

describe('quality gate', () => {
  it('embeds a good face (unit vector of the embedder size) and makes a JPEG thumbnail', async () => {
    const { faces } = await analyzer.analyze(await decodeImageFile(cropPath('raj', 1)), { still: true });
    const f = faces[0];
    expect(f?.quality.ok).toBe(true);
    expect(f?.embedding).toHaveLength(analyzer.modelId === 'fr-feature-512' ? 512 : 128);
    const norm = Math.hypot(...(f?.embedding ?? []));
    expect(norm).toBeCloseTo(1, 4);
    const thumb = await f?.thumbnail();
    expect((await sharp(thumb).metadata()).format).toBe('jpeg');
  });

  it('gives no embedding to a blurred face and says why', async () => {
    const blurred = await sharp(cropPath('raj', 1)).blur(4).png().toBuffer();
    const { faces } = await analyzer.analyze(await decodeImage(blurred), { still: true });
    expect(faces.length).toBeGreaterThan(0);
    for (const f of faces) {
      expect(f.quality.reasons).toContain('blurred');
      expect(f.embedding).toBeNull();
    }
  });

  it('gives no embedding to a face under the minimum size', async () => {
    const small = await sharp(cropPath('raj', 1))
      .resize(64, 64)
      .extend({ top: 60, bottom: 60, left: 60, right: 60, background: '#808080' })
      .png()
      .toBuffer();
    const { faces } = await analyzer.analyze(await decodeImage(small), { still: true });
    expect(faces).toHaveLength(1);
    expect(faces[0]?.quality.size).toBeLessThan(cfg.minFaceSize);
    expect(faces[0]?.quality.reasons).toContain('too-small');
    expect(faces[0]?.embedding).toBeNull();
  });

  it('embeds only the faces the caller still wants (shouldEmbed)', async () => {
    const image = await decodeImageFile(scenePath(SCENES[0] as (typeof SCENES)[number]));
    const asked: number[] = [];
    const { faces } = await analyzer.analyze(image, {
      shouldEmbed: (box) => {
        asked.push(box.x);
        return box.x < 300;
      },
    });
    expect(asked).toHaveLength(4);
    expect(faces.filter((f) => f.embedding).map((f) => f.box.x < 300)).toEqual([true]);
    expect(faces.every((f) => f.quality.ok)).toBe(true);
  });

  it('gates the background faces of a scene and keeps the ones in front', async () => {
    const { faces } = await analyzer.analyze(await decodeImageFile(scenePath(SCENES[1] as (typeof SCENES)[number])));
    const bystander = faces.find((f) => whoIsIn(SCENES[1] as (typeof SCENES)[number], f.box) === null);
    expect(bystander?.quality.reasons).toContain('too-small');
    expect(bystander?.embedding).toBeNull();
  });
});

describe('main face of a photo', () => {
  const c = (w: number, score: number, x = 0): Candidate => ({ box: { x, y: 0, width: w, height: w }, score });
  it('prefers a slightly smaller real face over a bigger low-scored blob', () => {
    const main = pickMainFace([c(264, 0.96), c(240, 0.999, 400)]);
    expect(main.kind === 'one' && main.face.score).toBe(0.999);
  });
  it('prefers a face that passed the quality gate over a larger one that did not', () => {
    const gated = (w: number, ok: boolean, x: number) => ({ ...c(w, 0.999, x), quality: { ok } });
    const main = pickMainFace([gated(400, false, 0), gated(200, true, 500)]);
    expect(main.kind === 'one' && main.face.box.width).toBe(200);
  });
  it('calls two equal faces ambiguous and an empty list none', () => {
    expect(pickMainFace([c(200, 0.99), c(205, 0.99, 300)]).kind).toBe('ambiguous');
    expect(pickMainFace([]).kind).toBe('none');
  });
});
