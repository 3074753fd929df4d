import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { defaultConfig } from '../../config/schema.js';
import { createFaceAnalyzer, type MnemoFaceAnalyzer } from '../../models/faces/analyzer.js';
import { decodeImageFile } from '../../models/image.js';
import { testModelStore } from '../helpers/models.js';
import { cropPath, SCENES, scenePath } from './truth.js';

/* Bad and unusual input files: each refused with `image-invalid` naming the file, or decoded safely. */

let dir: string;
let analyzer: MnemoFaceAnalyzer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mnemo-image-'));
  analyzer = createFaceAnalyzer(defaultConfig().faces, testModelStore());
  await analyzer.load();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await analyzer.dispose();
});

async function refused(file: string, why: RegExp): Promise<void> {
  const err = await decodeImageFile(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(isMnemoError(err, 'image-invalid'), String(err)).toBe(true);
  const message = (err as Error).message;
  expect(message).toContain(file.split('/').pop());
  expect(message).toMatch(why);
}

describe('decoding bad input', () => {
  it('refuses a corrupt (truncated) JPEG', async () => {
    const jpeg = readFileSync(scenePath(SCENES[0] as (typeof SCENES)[number]));
    const file = join(dir, 'truncated.jpg');
    writeFileSync(file, jpeg.subarray(0, Math.floor(jpeg.length / 3)));
    await refused(file, /cannot be decoded|not an image/);
  });

  it('refuses a JPEG whose bytes were garbled after the header', async () => {
    const jpeg = Buffer.from(readFileSync(scenePath(SCENES[0] as (typeof SCENES)[number])));
    jpeg.fill(0x00, 600, jpeg.length - 2);
    const file = join(dir, 'garbled.jpg');
    writeFileSync(file, jpeg);
    await refused(file, /cannot be decoded|not an image/);
  });

  it('refuses a zero-byte file and a missing one', async () => {
    const file = join(dir, 'empty.jpg');
    writeFileSync(file, Buffer.alloc(0));
    await refused(file, /empty/);
    await refused(join(dir, 'nope.jpg'), /cannot read/);
  });

  it('refuses a 1x1 image as too small to hold a face', async () => {
    const file = join(dir, 'pixel.png');
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } })
      .png()
      .toFile(file);
    await refused(file, /too small/);
  });

  it('shrinks a 12000x12000 JPEG while decoding, without holding it in memory', async () => {
    // Encoding it takes seconds, so it is made once per machine and reused.
    const file = join(tmpdir(), 'mnemo-test-12000x12000.jpg');
    if (!existsSync(file)) {
      await sharp({ create: { width: 12000, height: 12000, channels: 3, background: '#7a6' } })
        .jpeg({ quality: 50 })
        .toFile(`${file}.${process.pid}`);
      renameSync(`${file}.${process.pid}`, file);
    }
    const before = process.memoryUsage().rss;
    const image = await decodeImageFile(file);
    expect(Math.max(image.width, image.height)).toBe(1920);
    expect(image.data.length).toBe(image.width * image.height * 3);
    // Full size would be 432 MB of RGB; the decoder streams it instead.
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 2 ** 20);
    const { faces } = await analyzer.analyze(image);
    expect(faces).toHaveLength(0);
  });

  it('flattens a PNG with alpha to RGB and still finds the face', async () => {
    const file = join(dir, 'alpha.png');
    await sharp(cropPath('penny', 1))
      .ensureAlpha(0.6)
      .extend({ top: 40, bottom: 40, left: 40, right: 40, background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png()
      .toFile(file);
    expect((await sharp(file).metadata()).hasAlpha).toBe(true);
    const image = await decodeImageFile(file);
    expect(image.data.length).toBe(image.width * image.height * 3);
    const { faces } = await analyzer.analyze(image, { still: true });
    expect(faces).toHaveLength(1);
  });

  it('expands a grayscale image to three channels and embeds its face', async () => {
    expect((await sharp(cropPath('leonard', 2)).metadata()).channels).toBe(1);
    const image = await decodeImageFile(cropPath('leonard', 2));
    expect(image.data.length).toBe(150 * 150 * 3);
    const { faces } = await analyzer.analyze(image, { still: true });
    expect(faces[0]?.embedding).not.toBeNull();
  });
});
