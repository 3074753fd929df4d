import * as ort from 'onnxruntime-node';
import { grey, laplacianVariance, type Point, rectAffine, warpAffine } from './raster.js';
import type { Box, RgbImage } from './types.js';

/*
 * 68-point landmarks (fr_landmark.onnx: 64x64 grey in, 136 normalised
 * coordinates out) on the square box around a detection, as the model was
 * trained. The same 64x64 grey crop gives the blur measure, so the size of the
 * face in the frame does not change what "sharp" means.
 */

const SIZE = 64;

export interface LandmarkResult {
  points: Point[];
  /** Laplacian variance of the 64x64 grey crop. */
  blur: number;
}

/** The square box (side = detection height) centred on a detection, as UltraFace's landmark model expects. */
export function squareBox(b: Box): Box {
  const side = b.height;
  return { x: b.x + b.width / 2 - side / 2, y: b.y + b.height / 2 - side / 2, width: side, height: side };
}

export class LandmarkModel {
  private session: ort.InferenceSession | null = null;

  constructor(private readonly modelPath: string) {}

  async load(): Promise<void> {
    this.session ??= await ort.InferenceSession.create(this.modelPath, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  }

  async run(image: RgbImage, box: Box): Promise<LandmarkResult> {
    if (!this.session) throw new Error('landmark model not loaded');
    const sq = squareBox(box);
    const crop = warpAffine(image, rectAffine(sq.x, sq.y, sq.width, sq.height, SIZE, SIZE), SIZE, SIZE);
    const g = grey(crop);
    const input = new Float32Array(SIZE * SIZE);
    for (let i = 0; i < input.length; i++) input[i] = (g[i] as number) / 256;
    const out = await this.session.run({ input: new ort.Tensor('float32', input, [1, 1, SIZE, SIZE]) });
    const v = out.output?.data as Float32Array;
    const points: Point[] = [];
    for (let i = 0; i < 68; i++) points.push([(v[i * 2] as number) * sq.width + sq.x, (v[i * 2 + 1] as number) * sq.height + sq.y]);
    return { points, blur: laplacianVariance(g, SIZE, SIZE) };
  }

  async dispose(): Promise<void> {
    await this.session?.release();
    this.session = null;
  }
}

function mean(points: Point[], idx: number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of idx) {
    x += (points[i] as Point)[0];
    y += (points[i] as Point)[1];
  }
  return [x / idx.length, y / idx.length];
}

/** Eyes (image-left first), nose tip, mouth corners: the 5 points alignment uses. */
export function fivePoints(p: Point[]): Point[] {
  return [mean(p, [36, 37, 38, 39, 40, 41]), mean(p, [42, 43, 44, 45, 46, 47]), p[30] as Point, p[48] as Point, p[54] as Point];
}

/**
 * Yaw in degrees from where the nose tip sits between the jaw ends (points 0 and
 * 16): halfway is frontal; the closer it gets to one side the more the head is turned.
 */
export function estimateYaw(p: Point[]): number {
  const left = (p[0] as Point)[0];
  const right = (p[16] as Point)[0];
  const nose = (p[30] as Point)[0];
  const span = right - left;
  if (span <= 0) return 90;
  const r = Math.min(1, Math.max(0, (nose - left) / span));
  return (Math.asin(2 * r - 1) * 180) / Math.PI;
}
