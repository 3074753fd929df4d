import type { Point } from './raster.js';
import type { RgbImage } from './types.js';

/*
 * An embedding engine: aligned face in, unit vector out. Two engines exist
 * (fr-feature-512 on onnxruntime, the dlib ResNet 128-d on tfjs); each stored
 * sample records the `modelId` that made it, so vectors of different engines
 * are never compared.
 */
export interface FaceEmbedder {
  readonly modelId: string;
  readonly dim: number;
  load(): Promise<void>;
  /** `landmarks` are the 68 points in image pixels. */
  embed(image: RgbImage, landmarks: Point[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export const EMBEDDER_IDS = ['faceapi-recognition-128', 'fr-feature-512'] as const;
export type EmbedderId = (typeof EMBEDDER_IDS)[number];

/** Scales a vector to unit length in place (cosine similarity becomes a dot product). */
export function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n;
  return v;
}
