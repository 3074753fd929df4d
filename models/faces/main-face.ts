import type { Box } from './types.js';

/*
 * The one face a still photo is "of" (enrollment from images). Size alone is not
 * enough: UltraFace can give a large background blob a score above 0.96 while
 * real faces score above 0.99, so the detector score counts steeply (score^16)
 * next to the box area. Two candidates within `tie` of each other are ambiguous.
 */

export interface Candidate {
  box: Box;
  score: number;
  quality?: { ok: boolean };
}

export type MainFace<T> = { kind: 'one'; face: T } | { kind: 'ambiguous'; faces: [T, T] } | { kind: 'none' };

export function mainFaceKey(c: Candidate): number {
  return c.box.width * c.box.height * c.score ** 16;
}

export function pickMainFace<T extends Candidate>(faces: T[], tie = 0.8): MainFace<T> {
  // A face that passed the quality gate (landmarks, blur, pose) beats one that did not.
  const usable = faces.some((f) => f.quality?.ok) ? faces.filter((f) => f.quality?.ok) : faces;
  const ranked = [...usable].sort((a, b) => mainFaceKey(b) - mainFaceKey(a));
  const [first, second] = ranked;
  if (!first) return { kind: 'none' };
  if (second && mainFaceKey(second) >= tie * mainFaceKey(first)) return { kind: 'ambiguous', faces: [first, second] };
  return { kind: 'one', face: first };
}
