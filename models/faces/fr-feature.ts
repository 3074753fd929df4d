import * as ort from 'onnxruntime-node';
import { type FaceEmbedder, normalise } from './embedder.js';
import { fivePoints } from './landmarks.js';
import { type Point, similarity, warpAffine } from './raster.js';
import type { RgbImage } from './types.js';

/*
 * fr_feature.onnx, 512-d: the face warped onto the standard 112x112 five-point
 * template (eyes, nose, mouth corners), RGB scaled to (v - 127) / 128.
 */

const SIZE = 112;
const TEMPLATE: Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

export class FrFeatureEmbedder implements FaceEmbedder {
  readonly modelId = 'fr-feature-512';
  readonly dim = 512;
  private session: ort.InferenceSession | null = null;

  constructor(private readonly modelPath: string) {}

  async load(): Promise<void> {
    this.session ??= await ort.InferenceSession.create(this.modelPath, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  }

  /** The 112x112 aligned face (exported for tests and thumbnails). */
  align(image: RgbImage, landmarks: Point[]): RgbImage {
    // Output template point -> image point, which is what warpAffine samples through.
    return warpAffine(image, similarity(TEMPLATE, fivePoints(landmarks)), SIZE, SIZE);
  }

  async embed(image: RgbImage, landmarks: Point[]): Promise<Float32Array> {
    if (!this.session) throw new Error('fr-feature-512 not loaded');
    const face = this.align(image, landmarks);
    const plane = SIZE * SIZE;
    const chw = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) chw[c * plane + i] = ((face.data[i * 3 + c] as number) - 127) / 128;
    }
    const out = await this.session.run({ input: new ort.Tensor('float32', chw, [1, 3, SIZE, SIZE]) });
    return normalise(Float32Array.from(out.output?.data as Float32Array));
  }

  async dispose(): Promise<void> {
    await this.session?.release();
    this.session = null;
  }
}
