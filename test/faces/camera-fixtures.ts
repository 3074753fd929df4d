import sharp from 'sharp';

/** A small real JPEG with a recognisable colour (decoded frames can be told apart by it). */
export function jpegOf(r: number, g: number, b: number, width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A JPEG cut in half with an end marker appended: splits like a frame, fails to decode. */
export async function truncatedJpeg(): Promise<Buffer> {
  const full = await sharp({
    create: { width: 64, height: 48, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  })
    .jpeg()
    .toBuffer();
  return Buffer.concat([full.subarray(0, Math.floor(full.length / 2)), Buffer.from([0xff, 0xd9])]);
}

/** The mean red value of a decoded frame (identifies which fixture it was). */
export function meanRed(data: Buffer): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 3) sum += data[i] as number;
  return sum / (data.length / 3);
}
