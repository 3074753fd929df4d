import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { type FaceEmbedder, normalise } from './embedder.js';
import { type Affine, type Point, warpAffine } from './raster.js';
import type { RgbImage } from './types.js';

/*
 * The face-api.js recognition net (a port of dlib's ResNet-29, 128-d) run with
 * plain tfjs ops from its weights manifest, on the wasm backend. The forward pass
 * mirrors face-api's FaceRecognitionNet (conv + bias + per-channel scale layers,
 * residual blocks, strided "down" blocks with zero-padded shortcuts), so loading
 * the whole face-api bundle into the product is not needed. Input: 150x150 RGB
 * crop around the 68 landmarks (their bounding box plus 20%), rotated so the
 * eyes are level, mean-RGB subtracted and divided by 255.
 */

const SIZE = 150;
const MEAN = [122.782, 117.001, 104.298];

type Weights = Record<string, tf.Tensor>;

let backendReady: Promise<void> | null = null;

/** Selects the tfjs wasm backend once per process. */
export function tfjsWasm(): Promise<void> {
  backendReady ??= (async () => {
    if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
    await tf.ready();
  })();
  return backendReady;
}

interface ManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** Reads a tfjs weights manifest and its shards into named tensors (handles uint8 quantisation). */
export async function loadWeights(manifestPath: string): Promise<Weights> {
  const groups = JSON.parse(await readFile(manifestPath, 'utf8')) as ManifestGroup[];
  const out: Weights = {};
  for (const g of groups) {
    const shards = await Promise.all(g.paths.map((p) => readFile(join(dirname(manifestPath), p))));
    const buf = Buffer.concat(shards);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    Object.assign(out, tf.io.decodeWeights(ab, g.weights));
  }
  return out;
}

export class DlibResNetEmbedder implements FaceEmbedder {
  readonly modelId = 'faceapi-recognition-128';
  readonly dim = 128;
  private w: Weights | null = null;

  /** `files` as the model store returns them: the .bin shard and the manifest. */
  constructor(
    private readonly files: string[],
    private readonly rotate = true,
  ) {}

  async load(): Promise<void> {
    if (this.w) return;
    await tfjsWasm();
    const manifest = this.files.find((f) => f.endsWith('.json'));
    if (!manifest) throw new Error('faceapi-recognition-128: no weights manifest');
    this.w = await loadWeights(manifest);
  }

  /** The 150x150 input crop (exported for tests and thumbnails). */
  align(image: RgbImage, landmarks: Point[]): RgbImage {
    return warpAffine(image, chipAffine(landmarks, this.rotate), SIZE, SIZE);
  }

  async embed(image: RgbImage, landmarks: Point[]): Promise<Float32Array> {
    return this.embedChip(this.align(image, landmarks));
  }

  /** The embedding of an already aligned 150x150 chip. */
  async embedChip(face: RgbImage): Promise<Float32Array> {
    const w = this.w;
    if (!w) throw new Error('faceapi-recognition-128 not loaded');
    const out = tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from(face.data), [1, SIZE, SIZE, 3]).sub(tf.tensor1d(MEAN)).div(255) as tf.Tensor4D;
      return forward(x, w);
    });
    const v = (await out.data()) as Float32Array;
    out.dispose();
    return normalise(Float32Array.from(v));
  }

  async dispose(): Promise<void> {
    if (this.w) for (const t of Object.values(this.w)) t.dispose();
    this.w = null;
  }
}

/** Output chip pixel -> image pixel: square around the landmarks' box (+20%), rotated by the eye line. */
export function chipAffine(p: Point[], rotate: boolean): Affine {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of p) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  const side = Math.max(maxX - minX, maxY - minY) * 1.2;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  let angle = 0;
  if (rotate) {
    const le = eye(p, 36);
    const re = eye(p, 42);
    angle = Math.atan2(re[1] - le[1], re[0] - le[0]);
  }
  const s = side / SIZE;
  const cos = Math.cos(angle) * s;
  const sin = Math.sin(angle) * s;
  // source = c + R * (out - SIZE/2)
  return [cos, -sin, cx - cos * (SIZE / 2) + sin * (SIZE / 2), sin, cos, cy - sin * (SIZE / 2) - cos * (SIZE / 2)];
}

function eye(p: Point[], from: number): Point {
  let x = 0;
  let y = 0;
  for (let i = from; i < from + 6; i++) {
    x += (p[i] as Point)[0] / 6;
    y += (p[i] as Point)[1] / 6;
  }
  return [x, y];
}

function convLayer(x: tf.Tensor4D, w: Weights, name: string, stride: 1 | 2, relu: boolean): tf.Tensor4D {
  const padding = stride === 2 ? 'valid' : 'same';
  let out = tf.conv2d(x, w[`${name}/conv/filters`] as tf.Tensor4D, stride, padding);
  out = tf.add(out, w[`${name}/conv/bias`] as tf.Tensor);
  out = tf.add(tf.mul(out, w[`${name}/scale/weights`] as tf.Tensor), w[`${name}/scale/biases`] as tf.Tensor);
  return relu ? tf.relu(out) : out;
}

function residual(x: tf.Tensor4D, w: Weights, name: string): tf.Tensor4D {
  const out = convLayer(convLayer(x, w, `${name}/conv1`, 1, true), w, `${name}/conv2`, 1, false);
  return tf.relu(tf.add(out, x));
}

function residualDown(x: tf.Tensor4D, w: Weights, name: string): tf.Tensor4D {
  let out = convLayer(convLayer(x, w, `${name}/conv1`, 2, true), w, `${name}/conv2`, 1, false);
  let pooled = tf.avgPool(x, 2, 2, 'valid') as tf.Tensor4D;
  if (pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2]) {
    out = tf.pad(out, [
      [0, 0],
      [0, 1],
      [0, 1],
      [0, 0],
    ]);
  }
  if (pooled.shape[3] !== out.shape[3]) pooled = tf.concat([pooled, tf.zerosLike(pooled)], 3);
  return tf.relu(tf.add(pooled, out));
}

function forward(input: tf.Tensor4D, w: Weights): tf.Tensor {
  let out = convLayer(input, w, 'conv32_down', 2, true);
  out = tf.maxPool(out, 3, 2, 'valid');
  for (const n of ['conv32_1', 'conv32_2', 'conv32_3']) out = residual(out, w, n);
  out = residualDown(out, w, 'conv64_down');
  for (const n of ['conv64_1', 'conv64_2', 'conv64_3']) out = residual(out, w, n);
  out = residualDown(out, w, 'conv128_down');
  for (const n of ['conv128_1', 'conv128_2']) out = residual(out, w, n);
  out = residualDown(out, w, 'conv256_down');
  for (const n of ['conv256_1', 'conv256_2']) out = residual(out, w, n);
  out = residualDown(out, w, 'conv256_down_out');
  return tf.matMul(out.mean([1, 2]) as tf.Tensor2D, w.fc as tf.Tensor2D);
}
