import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { MnemoError } from '../../config/errors.js';

/*
 * What a replay camera shows, in order. A timeline file (YAML or JSON) scripts a
 * scene for the demo and tests:
 *
 *   fps: 5                # optional: frames per second while an entry is held
 *   loop: false           # optional
 *   frames:
 *     - file: ana.jpg     # relative to the timeline file
 *       holdMs: 3000      # repeated at fps for this long (default: one frame)
 *     - blank: true       # an empty scene (black frame), e.g. to let tracks end
 *       holdMs: 2000
 */

export type TimelineEntry = { file: string; holdMs: number } | { blank: true; holdMs: number };

export interface Timeline {
  entries: TimelineEntry[];
  fps?: number;
  loop?: boolean;
}

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);
export const VIDEO_EXTENSIONS = new Set(['.mp4', '.mkv', '.avi', '.mov', '.webm', '.mjpeg', '.mjpg', '.h264', '.m4v']);
export const TIMELINE_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

const entrySchema = z.union([
  z.strictObject({ file: z.string().min(1), holdMs: z.number().min(0).optional() }),
  z.strictObject({ blank: z.literal(true), holdMs: z.number().min(0).optional() }),
]);

const timelineSchema = z.strictObject({
  fps: z.number().positive().optional(),
  loop: z.boolean().optional(),
  frames: z.array(entrySchema).min(1),
});

export function readTimeline(file: string): Timeline {
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new MnemoError('invalid-argument', `camera timeline ${file} is not readable YAML/JSON`, { cause });
  }
  const parsed = timelineSchema.safeParse(data);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new MnemoError('invalid-argument', `camera timeline ${file} is invalid: ${where}`, {
      fix: 'see hardware/camera/timeline.ts for the format',
    });
  }
  const base = dirname(resolve(file));
  return {
    fps: parsed.data.fps,
    loop: parsed.data.loop,
    entries: parsed.data.frames.map((e) =>
      'file' in e ? { file: resolve(base, e.file), holdMs: e.holdMs ?? 0 } : { blank: true as const, holdMs: e.holdMs ?? 0 },
    ),
  };
}

/** Every JPEG/PNG in a folder, by name, one frame each. */
export function folderTimeline(dir: string): Timeline {
  const files = readdirSync(dir)
    .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (files.length === 0) {
    throw new MnemoError('camera-unavailable', `replay folder ${dir} holds no JPEG or PNG images`, {
      fix: 'point camera.path at a folder of .jpg/.png files, a video or a timeline file',
    });
  }
  return { entries: files.map((f) => ({ file: join(dir, f), holdMs: 0 })) };
}
