import type { RgbImage } from './types.js';

/*
 * The few pixel operations face inference needs, on raw RGB buffers: an affine
 * warp (crop, resize, rotate in one pass), grey conversion and a sharpness
 * measure. Kept in plain loops: every output here is at most 320x240, so a pass
 * costs about a millisecond and needs no native image library per frame.
 */

/** A 2x3 affine matrix mapping OUTPUT pixel (x, y) to SOURCE pixel: [a, b, c, d, e, f] -> (a x + b y + c, d x + e y + f). */
export type Affine = [number, number, number, number, number, number];

export type Point = [number, number];

/**
 * Samples `src` through `m` into a `width` x `height` RGB image. When one output
 * pixel covers several source pixels (downscaling), it averages n x n bilinear
 * taps, so a face crop of a large photo does not alias. Outside the source is
 * `fill` (mid grey by default, which the detectors normalise to about zero).
 */
export function warpAffine(src: RgbImage, m: Affine, width: number, height: number, fill = 127): RgbImage {
  const out = Buffer.alloc(width * height * 3);
  const [a, b, c, d, e, f] = m;
  const scale = Math.sqrt(Math.abs(a * e - b * d));
  const n = Math.max(1, Math.min(6, Math.ceil(scale - 0.25)));
  const sw = src.width;
  const sh = src.height;
  const data = src.data;
  const px = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let bl = 0;
      for (let j = 0; j < n; j++) {
        const oy = y + (j + 0.5) / n - 0.5;
        for (let i = 0; i < n; i++) {
          const ox = x + (i + 0.5) / n - 0.5;
          sampleBilinear(data, sw, sh, a * ox + b * oy + c, d * ox + e * oy + f, fill, px);
          r += px[0] as number;
          g += px[1] as number;
          bl += px[2] as number;
        }
      }
      const o = (y * width + x) * 3;
      const k = n * n;
      out[o] = r / k + 0.5;
      out[o + 1] = g / k + 0.5;
      out[o + 2] = bl / k + 0.5;
    }
  }
  return { data: out, width, height };
}

function sampleBilinear(data: Buffer, w: number, h: number, sx: number, sy: number, fill: number, out: number[]): void {
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  const w00 = (1 - fx) * (1 - fy);
  const w10 = fx * (1 - fy);
  const w01 = (1 - fx) * fy;
  const w11 = fx * fy;
  if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
    // The common case, all four neighbours inside: no per-tap bounds checks.
    const i00 = (y0 * w + x0) * 3;
    const i01 = i00 + w * 3;
    for (let ch = 0; ch < 3; ch++) {
      out[ch] =
        (data[i00 + ch] as number) * w00 +
        (data[i00 + 3 + ch] as number) * w10 +
        (data[i01 + ch] as number) * w01 +
        (data[i01 + 3 + ch] as number) * w11;
    }
    return;
  }
  for (let ch = 0; ch < 3; ch++) {
    out[ch] =
      at(data, w, h, x0, y0, ch, fill) * w00 +
      at(data, w, h, x0 + 1, y0, ch, fill) * w10 +
      at(data, w, h, x0, y0 + 1, ch, fill) * w01 +
      at(data, w, h, x0 + 1, y0 + 1, ch, fill) * w11;
  }
}

function at(data: Buffer, w: number, h: number, x: number, y: number, ch: number, fill: number): number {
  if (x < 0 || y < 0 || x >= w || y >= h) return fill;
  return data[(y * w + x) * 3 + ch] as number;
}

/** The affine that maps an output of `outW` x `outH` onto the source rectangle (x, y, w, h). */
export function rectAffine(x: number, y: number, w: number, h: number, outW: number, outH: number): Affine {
  return [w / outW, 0, x, 0, h / outH, y];
}

/**
 * Least-squares similarity transform (rotation, uniform scale, shift) taking
 * `from` points to `to` points (Umeyama without reflection). Returns the forward map.
 */
export function similarity(from: Point[], to: Point[]): Affine {
  const n = from.length;
  let mfx = 0;
  let mfy = 0;
  let mtx = 0;
  let mty = 0;
  for (let i = 0; i < n; i++) {
    mfx += (from[i] as Point)[0] / n;
    mfy += (from[i] as Point)[1] / n;
    mtx += (to[i] as Point)[0] / n;
    mty += (to[i] as Point)[1] / n;
  }
  let sxx = 0;
  let sxy = 0;
  let varF = 0;
  for (let i = 0; i < n; i++) {
    const fx = (from[i] as Point)[0] - mfx;
    const fy = (from[i] as Point)[1] - mfy;
    const tx = (to[i] as Point)[0] - mtx;
    const ty = (to[i] as Point)[1] - mty;
    sxx += fx * tx + fy * ty;
    sxy += fx * ty - fy * tx;
    varF += fx * fx + fy * fy;
  }
  const a = sxx / varF;
  const b = sxy / varF;
  // forward: x' = a x - b y + tx ; y' = b x + a y + ty
  return [a, -b, mtx - (a * mfx - b * mfy), b, a, mty - (b * mfx + a * mfy)];
}

/** Inverse of an affine map. */
export function invert(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det];
}

/** Luma (BT.601) of an RGB image, 0..255 floats. */
export function grey(img: RgbImage): Float32Array {
  const out = new Float32Array(img.width * img.height);
  for (let i = 0, o = 0; o < out.length; i += 3, o++) {
    out[o] = 0.299 * (img.data[i] as number) + 0.587 * (img.data[i + 1] as number) + 0.114 * (img.data[i + 2] as number);
  }
  return out;
}

/** Variance of the 4-neighbour Laplacian: low for a blurred face. */
export function laplacianVariance(g: Float32Array, width: number, height: number): number {
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v = (g[i - 1] as number) + (g[i + 1] as number) + (g[i - width] as number) + (g[i + width] as number) - 4 * (g[i] as number);
      sum += v;
      sum2 += v * v;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sum2 / n - mean * mean;
}
