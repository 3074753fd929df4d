import sharp from 'sharp';
import { MnemoError } from '../../config/errors.js';
import type { ScenarioView } from './scenario-schema.js';
import type { StillImage } from './scripted-devices.js';

/** Renders a scenario view (a photo, cropped, mirrored, scaled) into the RGB frame the camera sees. */
export async function renderView(view: ScenarioView, file: string): Promise<StillImage> {
  try {
    const img = sharp(file).rotate();
    const meta = await img.metadata();
    const W = meta.autoOrient?.width ?? meta.width ?? 0;
    const H = meta.autoOrient?.height ?? meta.height ?? 0;
    let pipeline = img;
    if (view.crop) {
      const [l, t, w, h] = view.crop;
      const left = Math.round(l * W);
      const top = Math.round(t * H);
      pipeline = pipeline.extract({
        left,
        top,
        width: Math.min(W - left, Math.round(w * W)),
        height: Math.min(H - top, Math.round(h * H)),
      });
    }
    if (view.mirror) pipeline = pipeline.flop();
    const { data, info } = await pipeline
      .resize({ width: view.width })
      .removeAlpha()
      .toColorspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (cause) {
    throw new MnemoError('scenario-invalid', `cannot render the view of ${file}: ${(cause as Error).message}`, { cause });
  }
}
