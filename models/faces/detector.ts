import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { Box, RgbImage } from './types.js';

/*
 * UltraFace RFB-320 (fr_detect.onnx). Its outputs are already decoded boxes as
 * normalised corners, so only thresholding and NMS are left. The image is
 * letterboxed to the net's 4:3 input instead of stretched, so faces keep their
 * shape; `pad` adds a grey border first, which tight face crops need (a face
 * filling the whole input is outside what the net was trained on).
 */

const IN_W = 320;
const IN_H = 240;

export interface Detection {
  box: Box;
  score: number;
}

export interface DetectOptions {
  minScore: number;
  /** NMS overlap above which the lower-scored box is dropped. */
  nmsIou?: number;
  /** Border added on each side, as a fraction of the image's larger side. */
  pad?: number;
}

export class UltraFaceDetector {
  private session: ort.InferenceSession | null = null;

  constructor(private readonly modelPath: string) {}

  async load(): Promise<void> {
    this.session ??= await ort.InferenceSession.create(this.modelPath, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  }

  async detect(image: RgbImage, opts: DetectOptions): Promise<Detection[]> {
    if (!this.session) throw new Error('detector not loaded');
    const pad = (opts.pad ?? 0) * Math.max(image.width, image.height);
    // One uniform scale fits the padded image into 320x240, centred (letterbox, mid grey).
    const scale = Math.max((image.width + 2 * pad) / IN_W, (image.height + 2 * pad) / IN_H);
    const fitW = Math.min(IN_W, Math.max(1, Math.round(image.width / scale)));
    const fitH = Math.min(IN_H, Math.max(1, Math.round(image.height / scale)));
    const left = Math.floor((IN_W - fitW) / 2);
    const top = Math.floor((IN_H - fitH) / 2);
    const sx = image.width / fitW;
    const sy = image.height / fitH;
    const k = image.width / IN_W;
    const chw =
      pad === 0 && Number.isInteger(k) && image.height === k * IN_H
        ? boxDownscale(image, k)
        : await this.letterbox(image, fitW, fitH, left, top);
    const out = await this.session.run({ input: new ort.Tensor('float32', chw, [1, 3, IN_H, IN_W]) });
    const scores = out.scores?.data as Float32Array;
    const boxes = out.boxes?.data as Float32Array;
    const found: Detection[] = [];
    for (let i = 0; i < scores.length / 2; i++) {
      const s = scores[i * 2 + 1] as number;
      if (s < opts.minScore) continue;
      const x1 = ((boxes[i * 4] as number) * IN_W - left) * sx;
      const y1 = ((boxes[i * 4 + 1] as number) * IN_H - top) * sy;
      const x2 = ((boxes[i * 4 + 2] as number) * IN_W - left) * sx;
      const y2 = ((boxes[i * 4 + 3] as number) * IN_H - top) * sy;
      const box = clip({ x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, image.width, image.height);
      if (box.width > 1 && box.height > 1) found.push({ box, score: s });
    }
    return nms(found, opts.nmsIou ?? 0.4);
  }

  /** Any other size: sharp (libvips) resizes with a proper filter, then mid-grey bars. */
  private async letterbox(image: RgbImage, fitW: number, fitH: number, left: number, top: number): Promise<Float32Array> {
    const grey = { r: 127, g: 127, b: 127 };
    const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(fitW, fitH, { fit: 'fill' })
      .extend({ left, top, right: IN_W - fitW - left, bottom: IN_H - fitH - top, background: grey })
      .raw()
      .toBuffer();
    const chw = new Float32Array(3 * IN_W * IN_H);
    const plane = IN_W * IN_H;
    for (let i = 0; i < plane; i++) {
      chw[i] = ((data[i * 3] as number) - 127) / 128;
      chw[plane + i] = ((data[i * 3 + 1] as number) - 127) / 128;
      chw[2 * plane + i] = ((data[i * 3 + 2] as number) - 127) / 128;
    }
    return chw;
  }

  async dispose(): Promise<void> {
    await this.session?.release();
    this.session = null;
  }
}

/**
 * Camera frames are usually an exact multiple of the net's 320x240 (640x480,
 * 1280x960): a k x k box average straight into the normalised CHW input is
 * exact anti-aliasing and skips sharp's copies (about 3 ms a frame here).
 */
function boxDownscale(image: RgbImage, k: number): Float32Array {
  const plane = IN_W * IN_H;
  const chw = new Float32Array(3 * plane);
  const d = image.data;
  const w = image.width;
  const norm = 1 / (k * k * 128);
  for (let y = 0; y < IN_H; y++) {
    for (let x = 0; x < IN_W; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let j = 0; j < k; j++) {
        let i = ((y * k + j) * w + x * k) * 3;
        for (let q = 0; q < k; q++, i += 3) {
          r += d[i] as number;
          g += d[i + 1] as number;
          b += d[i + 2] as number;
        }
      }
      const o = y * IN_W + x;
      chw[o] = r * norm - 127 / 128;
      chw[plane + o] = g * norm - 127 / 128;
      chw[2 * plane + o] = b * norm - 127 / 128;
    }
  }
  return chw;
}

function clip(b: Box, w: number, h: number): Box {
  const x1 = Math.max(0, b.x);
  const y1 = Math.max(0, b.y);
  const x2 = Math.min(w, b.x + b.width);
  const y2 = Math.min(h, b.y + b.height);
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy non-maximum suppression, highest score first. */
export function nms(dets: Detection[], threshold: number): Detection[] {
  const sorted = [...dets].sort((p, q) => q.score - p.score);
  const keep: Detection[] = [];
  for (const d of sorted) {
    if (keep.every((k) => iou(k.box, d.box) < threshold)) keep.push(d);
  }
  return keep;
}
