import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import { cosine } from '../../device/vector-math.js';
import { createFaceAnalyzer, type MnemoFaceAnalyzer } from '../../models/faces/analyzer.js';
import { DlibResNetEmbedder } from '../../models/faces/dlib-resnet.js';
import { EMBEDDER_IDS } from '../../models/faces/embedder.js';
import { decodeImageFile } from '../../models/image.js';
import { pairAccuracy } from '../bench/faces-calibrate.js';
import { testModelStore } from '../helpers/models.js';
import type { LabelledFace } from './dataset.js';
import { cropPath, PEOPLE } from './truth.js';

/*
 * Both embedders on the eight people's crops, and our tfjs forward pass of the
 * dlib ResNet checked against face-api's own implementation on the same input.
 */

const store = testModelStore();
const analyzers: MnemoFaceAnalyzer[] = [];
afterAll(async () => {
  for (const a of analyzers) await a.dispose();
});

describe('faceapi-recognition-128 forward pass', () => {
  let ours: DlibResNetEmbedder;
  beforeAll(async () => {
    ours = new DlibResNetEmbedder(await store.require('faceapi-recognition-128'));
    await ours.load();
  });

  it("matches face-api's FaceRecognitionNet on the same 150x150 chip", async () => {
    const require = createRequire(import.meta.url);
    const faceapi = require(join(dirname(require.resolve('@vladmandic/face-api')), 'face-api.node-wasm.js')) as {
      nets: {
        faceRecognitionNet: { loadFromDisk(d: string): Promise<void>; computeFaceDescriptor(t: tf.Tensor3D): Promise<Float32Array> };
      };
    };
    const [bin] = await store.require('faceapi-recognition-128');
    await faceapi.nets.faceRecognitionNet.loadFromDisk(dirname(bin as string));
    const analyzer = createFaceAnalyzer(defaultConfig().faces, store);
    analyzers.push(analyzer);
    await analyzer.load();
    for (const name of ['howard', 'penny'] as const) {
      const image = await decodeImageFile(cropPath(name, 1));
      const face = (await analyzer.analyze(image, { still: true })).faces[0];
      const chip = ours.align(image, face?.landmarks as Array<[number, number]>);
      const mine = await ours.embedChip(chip);
      const input = tf.tensor3d(Uint8Array.from(chip.data), [150, 150, 3], 'int32');
      const reference = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(input);
      input.dispose();
      expect(cosine(mine, Float32Array.from(reference))).toBeGreaterThan(0.999);
    }
  });
});

describe.each(EMBEDDER_IDS.map((id) => [id]))('%s on the shared crops', (id) => {
  const faces: LabelledFace[] = [];
  beforeAll(async () => {
    const analyzer = createFaceAnalyzer(defaultConfig().faces, store, { embedder: id });
    analyzers.push(analyzer);
    await analyzer.load();
    for (const name of PEOPLE) {
      for (let n = 1; n <= 5; n++) {
        const f = (await analyzer.analyze(await decodeImageFile(cropPath(name, n)), { still: true })).faces.find((x) => x.embedding);
        if (f) faces.push({ source: `${name}${n}`, kind: 'crop', name, n, face: f });
      }
    }
  });

  it('embeds nearly every crop and tells people apart in at least 97% of pairs', () => {
    expect(faces.length).toBeGreaterThanOrEqual(38);
    const p = pairAccuracy(faces);
    expect(p.accuracy).toBeGreaterThan(0.97);
    expect(p.same).toBeGreaterThan(p.diff);
  });
});
