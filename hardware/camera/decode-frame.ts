import sharp from 'sharp';

export interface RawFrame {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * JPEG/PNG bytes to interleaved RGB, downscaled to fit max size (shrink-on-load
 * keeps a huge JPEG from being fully decoded). Alpha is dropped and grey is
 * expanded to three channels, so every frame has the same layout. Truncated or
 * corrupt data throws: any libjpeg warning (a
 * truncated frame from a flaky cable) marks the frame corrupt, so no garbage is embedded.
 */
export async function decodeFrame(bytes: Buffer, maxWidth: number, maxHeight: number): Promise<RawFrame> {
  const { data, info } = await sharp(bytes, { failOn: 'warning' })
    .rotate()
    .resize({ width: maxWidth, height: maxHeight, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}
