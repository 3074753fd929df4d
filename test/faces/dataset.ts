import type { MnemoFaceAnalyzer } from '../../models/faces/analyzer.js';
import { pickMainFace } from '../../models/faces/main-face.js';
import type { AnalyzedFace } from '../../models/faces/types.js';
import { decodeImageFile } from '../../models/image.js';
import { demoPhoto } from '../helpers/models.js';
import { cropPath, PEOPLE, type PersonName, SCENES, scenePath, whoIsIn } from './truth.js';

/*
 * Every face of the shared photos, analysed once: the eight people's crops (main
 * face of each), the faces of the group scenes labelled from truth.ts, and the
 * demo photos' faces (strangers). Used by the calibration script, the identity
 * tests and the benchmark's accuracy column.
 */

export interface LabelledFace {
  source: string;
  kind: 'crop' | 'scene' | 'demo';
  /** Who it is; null for anyone outside the eight. */
  name: PersonName | null;
  /** Crop number 1..5 for crops. */
  n?: number;
  face: AnalyzedFace;
}

export async function collectFaces(analyzer: MnemoFaceAnalyzer, opts: { demo?: number[] } = {}): Promise<LabelledFace[]> {
  const out: LabelledFace[] = [];
  for (const name of PEOPLE) {
    for (let n = 1; n <= 5; n++) {
      const file = cropPath(name, n);
      const { faces } = await analyzer.analyze(await decodeImageFile(file), { still: true });
      const main = pickMainFace(faces);
      if (main.kind === 'one') out.push({ source: `${name}${n}.png`, kind: 'crop', name, n, face: main.face });
    }
  }
  for (const scene of SCENES) {
    const { faces } = await analyzer.analyze(await decodeImageFile(scenePath(scene)));
    for (const face of faces) {
      const who = whoIsIn(scene, face.box);
      if (who !== 'none') out.push({ source: scene.file, kind: 'scene', name: who, face });
    }
  }
  for (const i of opts.demo ?? [1, 2, 3, 4, 5, 6]) {
    const { faces } = await analyzer.analyze(await decodeImageFile(demoPhoto(i)));
    for (const face of faces) out.push({ source: `sample${i}.jpg`, kind: 'demo', name: null, face });
  }
  return out;
}
