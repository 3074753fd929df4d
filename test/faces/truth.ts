import { join } from 'node:path';
import type { Box } from '../../models/faces/types.js';
import { BBT_FACES } from '../helpers/models.js';

/*
 * Ground truth for the shared photos, written by looking at them: who is where
 * in each group scene (a point on each face, in the image's own pixels) and how
 * many faces each photo shows. The face-api demo photos hold none of the eight.
 */

export const PEOPLE = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'] as const;
export type PersonName = (typeof PEOPLE)[number];

export function cropPath(person: PersonName, n: number): string {
  return join(BBT_FACES, person, `${person}${n}.png`);
}

export interface SceneTruth {
  file: string;
  /** Faces a person can see in the photo (counted by eye). */
  faces: number;
  /** A point on each face; `null` is someone outside the eight (a bystander). */
  who: Array<{ name: PersonName | null; x: number; y: number }>;
}

export const SCENES: SceneTruth[] = [
  {
    file: 'bbt1.jpg',
    faces: 4,
    who: [
      { name: 'raj', x: 261, y: 193 },
      { name: 'leonard', x: 520, y: 203 },
      { name: 'howard', x: 775, y: 197 },
      { name: 'sheldon', x: 1047, y: 140 },
    ],
  },
  {
    // Two in front; one man in glasses half out of frame at the left; the others face away.
    file: 'bbt2.jpg',
    faces: 3,
    who: [
      { name: null, x: 28, y: 126 },
      { name: 'leonard', x: 135, y: 171 },
      { name: 'sheldon', x: 420, y: 166 },
    ],
  },
  {
    file: 'bbt3.jpg',
    faces: 5,
    who: [
      { name: 'sheldon', x: 64, y: 60 },
      { name: 'howard', x: 180, y: 120 },
      { name: 'penny', x: 280, y: 129 },
      { name: 'raj', x: 394, y: 138 },
      { name: 'leonard', x: 518, y: 133 },
    ],
  },
  {
    file: 'bbt4.jpg',
    faces: 6,
    who: [
      { name: 'amy', x: 128, y: 78 },
      { name: 'raj', x: 277, y: 96 },
      { name: 'bernadette', x: 619, y: 120 },
      { name: 'leonard', x: 103, y: 315 },
      { name: 'penny', x: 300, y: 283 },
      { name: 'sheldon', x: 510, y: 234 },
    ],
  },
  {
    file: 'bbt5.jpg',
    faces: 5,
    who: [
      { name: 'raj', x: 156, y: 214 },
      { name: 'penny', x: 256, y: 82 },
      { name: 'sheldon', x: 480, y: 205 },
      { name: 'leonard', x: 614, y: 96 },
      { name: 'howard', x: 759, y: 156 },
    ],
  },
];

export function scenePath(s: SceneTruth): string {
  return join(BBT_FACES, s.file);
}

/** Faces counted by eye in face-api's demo photos sample1..6 (all strangers). */
export const DEMO_FACES = [3, 3, 3, 4, 5, 4];

/** The truth point inside a detected box: 'none' when the box holds no labelled face. */
export function whoIsIn(scene: SceneTruth, box: Box): PersonName | null | 'none' {
  const hit = scene.who.find((w) => w.x >= box.x && w.x <= box.x + box.width && w.y >= box.y && w.y <= box.y + box.height);
  return hit ? hit.name : 'none';
}
