import { describe, expect, it } from 'vitest';
import { MjpegSplitter } from '../../hardware/camera/mjpeg-splitter.js';
import { jpegOf } from './camera-fixtures.js';

function collect(maxBytes?: number) {
  const frames: Buffer[] = [];
  const corrupt: string[] = [];
  const splitter = new MjpegSplitter({ frame: (f) => frames.push(f), corrupt: (r) => corrupt.push(r) }, maxBytes);
  return { splitter, frames, corrupt };
}

/** A JPEG with an APP1 segment whose payload contains an end-of-image marker (like an EXIF thumbnail). */
function withApp1(jpeg: Buffer): Buffer {
  const payload = Buffer.from([0x45, 0x78, 0x69, 0x66, 0x00, 0x00, 0xff, 0xd8, 0x01, 0x02, 0xff, 0xd9, 0x00]);
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xffe1, 0);
  seg.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), seg, payload, jpeg.subarray(2)]);
}

describe('MJPEG stream splitter', () => {
  it('splits concatenated JPEGs delivered in arbitrary chunk sizes, byte for byte', async () => {
    const images = [await jpegOf(255, 0, 0), await jpegOf(0, 255, 0, 100, 80), await jpegOf(0, 0, 255)];
    const stream = Buffer.concat(images);
    for (const chunk of [1, 7, 64, 4096, stream.length]) {
      const { splitter, frames, corrupt } = collect();
      for (let i = 0; i < stream.length; i += chunk) splitter.push(stream.subarray(i, i + chunk));
      expect(frames.map((f) => f.equals(images[frames.indexOf(f)] as Buffer))).toEqual([true, true, true]);
      expect(corrupt).toEqual([]);
      expect(splitter.buffered).toBe(0);
    }
  });

  it('does not end a frame at an end marker inside an APP segment', async () => {
    const jpeg = withApp1(await jpegOf(10, 20, 30));
    const { splitter, frames } = collect();
    splitter.push(Buffer.concat([jpeg, jpeg]));
    expect(frames).toHaveLength(2);
    expect(frames[0]?.equals(jpeg)).toBe(true);
  });

  it('skips garbage between frames and reports frames over the size limit', async () => {
    const small = await jpegOf(1, 2, 3, 16, 16);
    const big = await jpegOf(4, 5, 6, 400, 400);
    const { splitter, frames, corrupt } = collect(small.length + 100);
    splitter.push(Buffer.from('garbage\xff\x00 before'));
    splitter.push(small);
    splitter.push(Buffer.from([0x00, 0x13, 0x37]));
    splitter.push(big);
    splitter.push(small);
    expect(frames.map((f) => f.equals(small))).toEqual([true, true]);
    expect(corrupt.length).toBeGreaterThanOrEqual(1);
  });
});
