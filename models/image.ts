import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { errorMessage, MnemoError } from '../config/errors.js';
import type { Box, RgbImage } from './faces/types.js';

/*
 * Still images (JPEG, PNG, WebP...) to raw RGB for face inference, through sharp.
 * Whatever comes in leaves as 8-bit sRGB with three channels: grey images are
 * expanded, alpha is flattened onto mid grey, EXIF rotation is applied. A huge
 * image is shrunk while it is decoded (libvips streams it, so a 12000x12000
 * JPEG never sits in memory at full size); anything sharp cannot read, or too
 * small to hold a face, is `image-invalid` naming the file.
 */

export interface DecodeOptions {
  /** Longest side after decoding; larger images are downscaled. */
  maxSide?: number;
  /** Name used in error messages when decoding a buffer. */
  name?: string;
}

export const MIN_IMAGE_SIDE = 16;
const DEFAULT_MAX_SIDE = 1920;
/** Refuse images whose header claims more pixels than this (decompression bombs). */
const MAX_INPUT_PIXELS = 400_000_000;

export async function decodeImageFile(path: string, opts: DecodeOptions = {}): Promise<RgbImage> {
  const name = opts.name ?? basename(path);
  let bytes: Buffer;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a file');
    bytes = await readFile(path);
  } catch (err) {
    throw new MnemoError('image-invalid', `${name}: cannot read the file (${errorMessage(err)})`, { cause: err, details: { file: path } });
  }
  return decodeImage(bytes, { ...opts, name });
}

export async function decodeImage(bytes: Buffer, opts: DecodeOptions = {}): Promise<RgbImage> {
  const name = opts.name ?? 'image';
  const maxSide = opts.maxSide ?? DEFAULT_MAX_SIDE;
  const invalid = (why: string, cause?: unknown) =>
    new MnemoError('image-invalid', `${name}: ${why}`, {
      cause,
      details: { file: name },
      fix: 'use a JPEG or PNG photo with a face in it',
    });
  if (bytes.length === 0) throw invalid('the file is empty');
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch (err) {
    throw invalid(`not an image sharp can read (${errorMessage(err)})`, err);
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w < MIN_IMAGE_SIDE || h < MIN_IMAGE_SIDE)
    throw invalid(`too small to hold a face (${w}x${h}; at least ${MIN_IMAGE_SIDE}x${MIN_IMAGE_SIDE})`);
  if (w * h > MAX_INPUT_PIXELS) throw invalid(`too large (${w}x${h})`);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: { r: 127, g: 127, b: 127 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data, width: info.width, height: info.height };
  } catch (err) {
    throw invalid(`cannot be decoded (${errorMessage(err)})`, err);
  }
}

/** A small JPEG of a region (enrollment thumbnails), at most `side` pixels square. */
export async function cropJpeg(image: RgbImage, box: Box, side = 96): Promise<Buffer> {
  const pad = Math.max(box.width, box.height) * 0.15;
  const left = Math.max(0, Math.floor(box.x - pad));
  const top = Math.max(0, Math.floor(box.y - pad));
  const width = Math.max(1, Math.min(image.width - left, Math.ceil(box.width + 2 * pad)));
  const height = Math.max(1, Math.min(image.height - top, Math.ceil(box.height + 2 * pad)));
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width, height })
    .resize({ width: side, height: side, fit: 'inside' })
    .jpeg({ quality: 80 })
    .toBuffer();
}
